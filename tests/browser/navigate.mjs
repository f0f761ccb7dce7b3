#!/usr/bin/env node
// Drives the packaged Firefox ESR (WebDriver BiDi) or Chromium (CDP) headless with
// puppeteer-core, navigates to each --url in one browser session and prints one JSON
// document:
//   {"browser":"firefox","version":"...","navigations":[
//     {"url":"...","outcome":"loads"|"blocked","error_code":"..."|null,...}]}
// "loads" only when the page carries certtrust serve's marker `certtrust-page`.
// Exit 0 when the browser was driven (blocked pages included), 1 when it could not be,
// 2 on bad usage.
//
// usage: node navigate.mjs --browser firefox|chromium --url URL [--url URL...]
//          [--map NAME...] [--firefox-profile DIR] [--chromium-user-data-dir DIR]
//          [--home DIR] [--timeout MS]
//
// Firefox uses --firefox-profile as it is (its cert9.db and cert_override.txt are read,
// never copied or rewritten; puppeteer writes its prefs to user.js and restores any
// earlier user.js/prefs.js on close). Chromium reads $HOME/.pki/nssdb, so --home sets
// HOME (and the XDG directories under it) for the browser process; its user data dir
// is a throwaway one unless --chromium-user-data-dir is given.
// Both browsers are kept on loopback: background connections are switched off, mapped
// names resolve to 127.0.0.1 and, in Chromium, every other name fails to resolve.
// Many navigations share one tab. A certificate error is taken where the browser reports
// it first: in Chromium from the failed document request (page.goto would wait ~3 s per
// error from the third on), in Firefox from the error page when page.goto does not settle
// (see gotoChromium and gotoFirefox).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import puppeteer from 'puppeteer-core';

const FIREFOX = process.env.CT_FIREFOX || '/usr/lib/firefox-esr/firefox-esr';
const CHROMIUM = process.env.CT_CHROMIUM || '/usr/lib/chromium/chromium';
const MARKER = 'certtrust-page';

function usage(msg) {
  if (msg) process.stderr.write(`navigate.mjs: ${msg}\n`);
  process.stderr.write(
    'usage: node navigate.mjs --browser firefox|chromium --url URL [--url URL...] ' +
      '[--map NAME] [--firefox-profile DIR] [--chromium-user-data-dir DIR] ' +
      '[--home DIR] [--timeout MS]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = { urls: [], maps: [], timeout: 20000 };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = () => {
      if (v !== undefined) return v;
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--browser': o.browser = val(); break;
      case '--url': o.urls.push(val()); break;
      case '--map': o.maps.push(val()); break;
      case '--firefox-profile': o.firefoxProfile = val(); break;
      case '--chromium-user-data-dir': o.chromiumUserDataDir = val(); break;
      case '--home': o.home = val(); break;
      case '--timeout': o.timeout = Number(val()); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  if (o.browser !== 'firefox' && o.browser !== 'chromium') usage('--browser must be firefox or chromium');
  if (o.urls.length === 0) usage('at least one --url');
  if (!Number.isFinite(o.timeout) || o.timeout <= 0) usage('--timeout must be a positive number of milliseconds');
  for (const n of o.maps) if (!/^[A-Za-z0-9.*-]+$/.test(n)) usage(`bad --map name ${n}`);
  return o;
}

// Prefs that keep Firefox off the network (on top of puppeteer's defaults, which
// already blank the remote-settings server, Normandy, safe browsing and the updater).
function firefoxPrefs(maps) {
  const none = 'data:,';
  return {
    // name mapping: these names resolve to localhost
    'network.dns.localDomains': maps.join(','),
    'network.proxy.type': 0,
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.predictor.enabled': false,
    'network.http.speculative-parallel-limit': 0,
    'browser.urlbar.speculativeConnect.enabled': false,
    'browser.places.speculativeConnect.enabled': false,
    // updates
    'app.update.auto': false,
    'app.update.enabled': false,
    'app.update.disabledForTesting': true,
    'app.update.staging.enabled': false,
    'app.update.url': none,
    'browser.search.update': false,
    'extensions.update.enabled': false,
    'extensions.systemAddon.update.enabled': false,
    'extensions.systemAddon.update.url': none,
    'extensions.getAddons.cache.enabled': false,
    'extensions.blocklist.enabled': false,
    'media.gmp-manager.updateEnabled': false,
    'media.gmp-manager.url': none,
    'media.gmp-gmpopenh264.enabled': false,
    'media.gmp-widevinecdm.enabled': false,
    // telemetry and data reporting
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.archive.enabled': false,
    'toolkit.telemetry.server': none,
    'toolkit.telemetry.newProfilePing.enabled': false,
    'toolkit.telemetry.shutdownPingSender.enabled': false,
    'toolkit.telemetry.firstShutdownPing.enabled': false,
    'toolkit.telemetry.updatePing.enabled': false,
    'toolkit.telemetry.bhrPing.enabled': false,
    'toolkit.telemetry.coverage.opt-out': true,
    'toolkit.coverage.opt-out': true,
    'toolkit.coverage.endpoint.base': none,
    'datareporting.healthreport.uploadEnabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.policy.firstRunURL': '',
    'browser.ping-centre.telemetry': false,
    'browser.newtabpage.activity-stream.telemetry': false,
    'browser.newtabpage.activity-stream.feeds.telemetry': false,
    'security.certerrors.recordEventTelemetry': false,
    'security.identitypopup.recordEventTelemetry': false,
    // remote settings, Normandy/Nimbus experiments, studies
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    'app.normandy.enabled': false,
    'app.normandy.api_url': '',
    'app.shield.optoutstudies.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'nimbus.rollouts.enabled': false,
    'security.remote_settings.crlite_filters.enabled': false,
    'security.remote_settings.intermediates.enabled': false,
    'browser.region.network.url': '',
    'browser.region.update.enabled': false,
    'geo.provider.network.url': '',
    'identity.fxaccounts.enabled': false,
    // revocation: no OCSP fetches
    'security.OCSP.enabled': 0,
    'security.OCSP.require': false,
    'security.certerrors.mitm.priming.enabled': false,
    'security.certerrors.mitm.auto_enable_enterprise_roots': false,
    // captive portal and connectivity checks
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'captivedetect.canonicalURL': '',
    'network.notify.checkForProxies': false,
    // safe browsing
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.safebrowsing.downloads.remote.enabled': false,
    'browser.safebrowsing.blockedURIs.enabled': false,
    'browser.safebrowsing.passwords.enabled': false,
    'browser.safebrowsing.provider.google.updateURL': '',
    'browser.safebrowsing.provider.google.gethashURL': '',
    'browser.safebrowsing.provider.google4.updateURL': '',
    'browser.safebrowsing.provider.google4.gethashURL': '',
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    'browser.safebrowsing.provider.mozilla.gethashURL': '',
    'privacy.trackingprotection.enabled': false,
    // push
    'dom.push.enabled': false,
    'dom.push.connection.enabled': false,
    'dom.push.serverURL': '',
    // first-run and what's-new pages
    'browser.aboutwelcome.enabled': false,
    'trailhead.firstrun.didSeeAboutWelcome': true,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.startup.homepage': 'about:blank',
    'browser.startup.page': 0,
    'startup.homepage_welcome_url': 'about:blank',
    'startup.homepage_welcome_url.additional': '',
    'browser.shell.checkDefaultBrowser': false,
    'browser.newtabpage.enabled': false,
    'browser.newtabpage.activity-stream.feeds.system.topstories': false,
    'browser.newtabpage.activity-stream.feeds.snippets': false,
    'browser.newtabpage.activity-stream.asrouter.userprefs.cfr.addons': false,
    'browser.newtabpage.activity-stream.asrouter.userprefs.cfr.features': false,
    'browser.discovery.enabled': false,
    'browser.contentblocking.report.monitor.enabled': false,
    'browser.translations.enabled': false,
    'browser.uitour.enabled': false,
    'browser.vpn_promo.enabled': false,
    'extensions.pocket.enabled': false,
    'signon.management.page.breach-alerts.enabled': false,
    'network.sntp.pools': '',
  };
}

function chromiumArgs(maps) {
  // mapped names to 127.0.0.1, every other name fails (IP literals need no resolver)
  const rules = [
    ...maps.map(n => `MAP ${n} 127.0.0.1`),
    'MAP * ~NOTFOUND',
    'EXCLUDE localhost',
    'EXCLUDE 127.0.0.1',
    'EXCLUDE [::1]',
  ];
  return [
    '--no-sandbox', // required as root; the harness only visits loopback pages
    '--disable-dev-shm-usage',
    `--host-resolver-rules=${rules.join(', ')}`,
    '--no-proxy-server',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-sync',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--disable-breakpad',
    '--disable-crash-reporter',
    '--metrics-recording-only',
    '--no-pings',
    '--dns-prefetch-disable',
    '--password-store=basic',
    '--use-mock-keychain',
    '--disable-features=' +
      [
        'OptimizationHints',
        'MediaRouter',
        'Translate',
        'AutofillServerCommunication',
        'CertificateTransparencyComponentUpdater',
        'InterestFeedContentSuggestions',
        'SafeBrowsingEnhancedProtection',
        'NetworkTimeServiceQuerying',
        'DialMediaRouteProvider',
        'PrivacySandboxSettings4',
      ].join(','),
  ];
}

// The browser process's environment: HOME (and the XDG dirs under it) from --home.
function browserEnv(home) {
  const env = { ...process.env };
  if (home) {
    env.HOME = home;
    env.XDG_CONFIG_HOME = path.join(home, '.config');
    env.XDG_CACHE_HOME = path.join(home, '.cache');
    env.XDG_DATA_HOME = path.join(home, '.local', 'share');
    env.XDG_STATE_HOME = path.join(home, '.local', 'state');
  }
  // keep the browsers off any proxy the caller's environment names
  for (const k of ['http_proxy', 'https_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) delete env[k];
  env.MOZ_CRASHREPORTER_DISABLE = '1';
  env.MOZ_DISABLE_AUTO_SAFE_MODE = '1';
  return env;
}

// Error code from a failed goto: Chromium "net::ERR_X at URL"; Firefox BiDi
// "NS_ERROR_GENERATE_FAILURE(NS_ERROR_MODULE_SECURITY, CODE)" or "NS_ERROR_X".
function codeFromMessage(msg) {
  let m = /net::(ERR_[A-Z0-9_]+)/.exec(msg);
  if (m) return m[1];
  m = /NS_ERROR_GENERATE_FAILURE\(NS_ERROR_MODULE_SECURITY,\s*([A-Za-z0-9_]+)\)/.exec(msg);
  if (m) return m[1];
  m = /\b((?:MOZILLA_PKIX_ERROR|SEC_ERROR|SSL_ERROR)_[A-Z0-9_]+)\b/.exec(msg);
  if (m) return m[1];
  m = /\b(NS_ERROR_[A-Z0-9_]+)\b/.exec(msg);
  if (m) return m[1];
  return null;
}

// Firefox shows about:certerror / about:neterror: ask the error page itself.
async function firefoxErrorPageCode(page) {
  try {
    return await page.evaluate(() => {
      const uri = document.documentURI || '';
      if (uri.startsWith('about:certerror') && typeof document.getFailedCertSecurityInfo === 'function') {
        const info = document.getFailedCertSecurityInfo();
        if (info && info.errorCodeString) return info.errorCodeString;
      }
      if (uri.startsWith('about:neterror') || uri.startsWith('about:certerror')) {
        if (typeof document.getNetErrorInfo === 'function') {
          try {
            const n = document.getNetErrorInfo();
            if (n && n.errorCodeString) return n.errorCodeString;
          } catch (e) {
            /* not a net error */
          }
        }
        const e = new URL(uri.replace(/^about:/, 'about://x/')).searchParams.get('e');
        if (e) return `neterror:${e}`;
      }
      return null;
    });
  } catch {
    return null;
  }
}

// Chromium: page.goto on a certificate error resolves only when the interstitial commits,
// and from the 3rd error in a session that waits for the captive-portal check's back-off
// (SSLErrorHandler's 3 s timer). The document request itself fails at once with the same
// net::ERR_CERT_* code: take the code from there, then leave the pending error page for
// about:blank so that the next navigation starts clean.
async function gotoChromium(page, url, timeout) {
  let onFailed;
  const certFailure = new Promise(resolve => {
    onFailed = req => {
      const text = (req.failure() && req.failure().errorText) || '';
      if (req.isNavigationRequest() && req.frame() === page.mainFrame() && /^net::ERR_CERT_/.test(text))
        resolve(text);
    };
  });
  page.on('requestfailed', onFailed);
  const going = page.goto(url, { waitUntil: 'load', timeout });
  going.catch(() => {}); // abandoned below when the certificate error wins
  try {
    const first = await Promise.race([going.then(response => ({ response })), certFailure.then(text => ({ text }))]);
    if (first.text === undefined) return first.response;
    await page.goto('about:blank', { timeout }).catch(() => {});
    const err = new Error(`${first.text} at ${url} (the document request failed; error page not awaited)`);
    err.name = 'CertificateError';
    throw err;
  } finally {
    page.off('requestfailed', onFailed);
  }
}

// The error page Firefox shows for url, if it shows one now: its code, else null.
async function firefoxErrorPageFor(page, url) {
  try {
    const uri = await page.evaluate(() => document.documentURI || '');
    if (!/^about:(cert|net)error/.test(uri)) return null;
    const failed = new URL(uri.replace(/^about:/, 'about://x/')).searchParams.get('u');
    if (!failed || new URL(failed).href !== new URL(url).href) return null;
    return await firefoxErrorPageCode(page);
  } catch {
    return null; // between documents
  }
}

// Firefox over WebDriver BiDi: when one certificate error page follows another in the
// same tab, page.goto often never settles (measured: a third of them ran into the
// time-out, an about:blank in between did not help) although the error page is there.
// So the error page is also watched for, and its code taken from it, as puppeteer does
// when goto rejects.
async function gotoFirefox(page, url, timeout) {
  let watching = true;
  const going = page.goto(url, { waitUntil: 'load', timeout });
  going.catch(() => {}); // abandoned when the error page wins
  const errorPage = (async () => {
    let firstSeen = null;
    while (watching) {
      await new Promise(resolve => setTimeout(resolve, 50));
      const code = watching ? await firefoxErrorPageFor(page, url) : null;
      if (!code) continue;
      // a page still loading only has its URL's e=... (measured: neterror:nssBadCert for
      // what then reads MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT): wait for the real code
      if (!code.startsWith('neterror:')) return code;
      firstSeen ??= Date.now();
      if (Date.now() - firstSeen > 2000) return code;
    }
    return null;
  })();
  try {
    const first = await Promise.race([going.then(response => ({ response })), errorPage.then(code => ({ code }))]);
    if (first.code === undefined) return first.response;
    const err = new Error(`${first.code} at ${url} (read from the error page)`);
    err.name = 'CertificateError';
    err.ctCode = first.code;
    throw err;
  } finally {
    watching = false;
  }
}

async function navigate(page, browser, url, timeout) {
  const res = { url, outcome: 'blocked', error_code: null };
  const started = Date.now();
  try {
    const response =
      browser === 'chromium' ? await gotoChromium(page, url, timeout) : await gotoFirefox(page, url, timeout);
    res.status = response ? response.status() : null;
    const html = await page.content();
    if (html.includes(MARKER)) {
      res.outcome = 'loads';
    } else if (browser === 'firefox') {
      // Firefox may resolve goto on its error page
      res.error_code = (await firefoxErrorPageCode(page)) || 'NO_MARKER';
    } else {
      res.error_code = 'NO_MARKER';
    }
  } catch (err) {
    const msg = String((err && err.message) || err);
    res.detail = msg.split('\n')[0].slice(0, 300);
    if (err && err.name === 'TimeoutError') {
      res.error_code = 'TIMEOUT';
    } else {
      res.error_code = (err && err.ctCode) || codeFromMessage(msg);
      if (browser === 'firefox' && !(err && err.ctCode)) {
        const fromPage = await firefoxErrorPageCode(page);
        if (fromPage && (!res.error_code || /^NS_ERROR_/.test(res.error_code) || /^\d+$/.test(res.error_code)))
          res.error_code = fromPage;
      }
      if (!res.error_code) res.error_code = 'UNKNOWN';
    }
  }
  res.ms = Date.now() - started;
  return res;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const env = browserEnv(o.home);
  let tmpDir = null;
  let browser = null;
  const launchTimeout = Math.max(30000, o.timeout);
  const t0 = Date.now();
  let result = null;
  let launchMs = null;

  // last resort: a hung browser is killed and the run fails
  const watchdogMs = launchTimeout + o.urls.length * (o.timeout + 5000) + 15000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`navigate.mjs: watchdog after ${watchdogMs} ms, killing the browser\n`);
    try {
      browser?.process()?.kill('SIGKILL');
    } catch {
      /* already gone */
    }
    process.exit(1);
  }, watchdogMs);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      try {
        browser?.process()?.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }

  try {
    if (o.browser === 'firefox') {
      let profile = o.firefoxProfile;
      if (!profile) {
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-navigate-ff-'));
        profile = tmpDir;
      } else if (!fs.statSync(profile, { throwIfNoEntry: false })?.isDirectory()) {
        throw new Error(`Firefox profile ${profile} is not a directory`);
      }
      browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX,
        headless: true,
        userDataDir: path.resolve(profile),
        extraPrefsFirefox: firefoxPrefs(o.maps),
        acceptInsecureCerts: false,
        env,
        timeout: launchTimeout,
        protocolTimeout: launchTimeout,
        dumpio: !!process.env.CT_NAVIGATE_DUMPIO,
      });
    } else {
      let userDataDir = o.chromiumUserDataDir;
      if (!userDataDir) {
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-navigate-chromium-'));
        userDataDir = tmpDir;
      }
      browser = await puppeteer.launch({
        browser: 'chrome',
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: path.resolve(userDataDir),
        args: chromiumArgs(o.maps),
        acceptInsecureCerts: false,
        env,
        timeout: launchTimeout,
        protocolTimeout: launchTimeout,
        dumpio: !!process.env.CT_NAVIGATE_DUMPIO,
      });
    }

    launchMs = Date.now() - t0;
    const version = await browser.version();
    const pages = await browser.pages();
    const page = pages.length ? pages[0] : await browser.newPage();
    const navigations = [];
    for (const url of o.urls) {
      navigations.push(await navigate(page, o.browser, url, o.timeout));
    }
    result = { browser: o.browser, version, navigations, launch_ms: launchMs };
    return 0;
  } catch (err) {
    process.stderr.write(`navigate.mjs: could not drive ${o.browser}: ${(err && err.stack) || err}\n`);
    return 1;
  } finally {
    if (browser) {
      const proc = browser.process();
      let closeTimer;
      try {
        await Promise.race([
          browser.close(),
          new Promise((_, reject) => {
            closeTimer = setTimeout(() => reject(new Error('close timed out')), 10000);
          }),
        ]);
      } catch (err) {
        process.stderr.write(`navigate.mjs: ${err.message || err}; killing the browser\n`);
        try {
          proc?.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      } finally {
        clearTimeout(closeTimer);
      }
    }
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true, maxRetries: 3 });
    clearTimeout(watchdog);
    // printed once the browser is gone, so that the caller may touch the profile
    if (result) {
      result.total_ms = Date.now() - t0;
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    }
  }
}

// exit at once: a navigation given up on may still hold a timer
process.exit(await main());
