#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Proves docs/trust-semantics.md's trust table against the REAL packaged browsers, through
# certtrust's own trust and untrust. Every `certtrust serve` profile runs at once, each on
# its own port under its own name (PROFILE.ucm.example.test), and each is reached by three
# names: that name, 127.0.0.1, and wrong.PROFILE.ucm.example.test (mapped to 127.0.0.1
# too, but in no certificate). What the certificates hold (helper/serve/ct-serve.c): the name as
# CN and DNS SAN, except wrong-name (not-this-server.invalid), wildcard (*.ucm.example.test,
# which the wrong.* name does not match: one label only), ip-san (IP SANs 127.0.0.1 and ::1
# only), cn-only and v1 (no SAN at all). For each browser and each way of trusting the design
# prescribes (a batch), one fresh Firefox profile or one fresh HOME/.pki/nssdb, then
#   before  - nothing trusted: every name blocked (the code docs/trust-semantics.md
#             records for the name of the five profiles it measured)
#   after   - `certtrust trust URL --name 127.0.0.1:PORT --name wrong...:PORT` for every
#             server (or, with CT_MATRIX_VIA=hand, certutil / cert_override.txt lines
#             written by hand): each name loads exactly where the plan predicted "loads"
#   undone  - `certtrust untrust`: blocked again, and the stores listed as before
# Each state is ONE browser session that visits every name of every server.
# Expected codes are docs/trust-semantics.md's measurements, expected outcomes after
# the trust are certtrust's own predictions. A cell that differs is "not ok" with
# expected and measured values: believe the browser, fix the note or the prediction.
# Output: TAP 14 on stdout (a meson test with protocol: 'tap'); diagnostics on stderr.
#
# env: CERTTRUST      certtrust binary (default /work/main/build/helper/cli/certtrust)
#      CT_MATRIX_BROWSERS  "firefox chromium" (default both)
#      CT_MATRIX_PROFILES  "tomcat leaf chain expired not-yet-valid wrong-name cn-only
#                          wildcard ip-san ca-leaf v1 openssl openssl-ca" (default all;
#                          openssl is no certtrust serve but openssl s_server -WWW with a
#                          self-signed certificate openssl made, serving a plain file
#                          without any certtrust marker: a server nobody on this team
#                          wrote; openssl-ca the same with a leaf issued by a root CA
#                          openssl made, the server sending leaf and root)
#      CT_MATRIX_VIA=hand  write the trust by hand (the measurements' method) instead
#      CT_MATRIX_JOBS=1    one batch at a time (default 2: two lanes of batches, each
#                          lane one Firefox and one Chromium batch, run side by side)
#      CT_MATRIX_NETNS=1   run inside a new network namespace that has only loopback
#      CT_MATRIX_KEEP=1    keep the work directory
#      CT_MATRIX_SUMMARY=FILE  also write the summary there
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CERTTRUST=${CERTTRUST:-/work/main/build/helper/cli/certtrust}
FIREFOX=${CT_FIREFOX:-/usr/lib/firefox-esr/firefox-esr}
CHROMIUM=${CT_CHROMIUM:-/usr/lib/chromium/chromium}
DOMAIN=ucm.example.test
OVERRIDE_OID=OID.2.16.840.1.101.3.4.2.1
browsers=${CT_MATRIX_BROWSERS:-firefox chromium}
profiles=${CT_MATRIX_PROFILES:-tomcat leaf chain expired not-yet-valid wrong-name cn-only wildcard ip-san ca-leaf v1 openssl openssl-ca}
# certtrust: trust with `certtrust trust`, undo with `certtrust untrust` (the product);
# hand: certutil and cert_override.txt lines written directly (the measurements' method)
via=${CT_MATRIX_VIA:-certtrust}
jobs=${CT_MATRIX_JOBS:-2}

case $via in
certtrust | hand) ;;
*) echo "Bail out! CT_MATRIX_VIA must be certtrust or hand, not $via"; exit 1 ;;
esac

# --- skip cleanly when the browsers or the driver are not there ----------------------
missing=()
for b in $browsers; do
	case $b in
	firefox) [ -x "$FIREFOX" ] || missing+=("firefox-esr") ;;
	chromium) [ -x "$CHROMIUM" ] || missing+=("chromium") ;;
	*) echo "Bail out! unknown browser $b in CT_MATRIX_BROWSERS"; exit 1 ;;
	esac
done
command -v python3 >/dev/null 2>&1 || missing+=("python3")
command -v certutil >/dev/null 2>&1 || missing+=("certutil")
if [ ${#missing[@]} -gt 0 ]; then
	echo "TAP version 14"
	echo "1..0 # SKIP browsers not installed (missing: ${missing[*]}; run tests/browser/install-deps)"
	exit 0
fi
if [ ! -x "$CERTTRUST" ]; then
	echo "TAP version 14"
	echo "Bail out! no certtrust binary at $CERTTRUST (set CERTTRUST)"
	exit 1
fi

# --- optionally re-run in a network namespace with loopback only ---------------------
if [ "${CT_MATRIX_NETNS:-0}" = 1 ] && [ -z "${CT_MATRIX_IN_NETNS:-}" ]; then
	# shellcheck disable=SC2016 # expanded by the inner bash
	exec unshare -n -- env CT_MATRIX_IN_NETNS=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/certtrust-browser-matrix.XXXXXX")
declare -A server_pid=()
lane_pids=()
cleanup() {
	local pid
	for pid in "${lane_pids[@]}"; do
		pkill -TERM -P "$pid" 2>/dev/null
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${server_pid[@]}"; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "${CT_MATRIX_KEEP:-0}" = 1 ]; then
		echo "# work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "# $*" >&2; }

json_get() { # json_get FILE PYTHON-EXPRESSION-ON-d
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
sys.stdout.write("" if v is None else str(v))' "$1" "$2"
}
secs_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# --- what is expected (docs/trust-semantics.md, "Why these flags") --------------------
# before, per browser and profile, for the profile's own name (the measured URL)
declare -A research_before=(
	[firefox/tomcat]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/leaf]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/ca-leaf]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/cn-only]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/chain]="SEC_ERROR_UNKNOWN_ISSUER"
	[firefox/openssl]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[chromium/openssl]="ERR_CERT_AUTHORITY_INVALID"
	[firefox/openssl-ca]="SEC_ERROR_UNKNOWN_ISSUER"
	[chromium/openssl-ca]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/tomcat]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/leaf]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/ca-leaf]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/cn-only]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/chain]="ERR_CERT_AUTHORITY_INVALID"
)
# after, for the profile's own name: "loads" or the code docs/trust-semantics.md records with
# that trust written (certtrust refuses some of these: then the "before" code stands).
#  firefox override  = docs/trust-semantics.md default `--mode exception`: cert_override.txt line (leaf SHA-256)
#  firefox anchor    = `--mode anchor`: NSS C,, (of the root for chain); the design refuses
#                      ca-leaf and cn-only because the browser then says what is recorded here
#  chromium leafP    = NSS P,, of the server's leaf (trusted leaf; the default for all)
#  chromium rootC    = NSS C,, of the private root (chain with --allow-ca)
declare -A research_after=(
	[firefox/override/tomcat]=loads
	[firefox/override/leaf]=loads
	[firefox/override/ca-leaf]=loads
	[firefox/override/cn-only]=loads
	[firefox/override/chain]=loads
	[firefox/anchor/tomcat]=loads
	[firefox/anchor/leaf]=loads
	[firefox/anchor/ca-leaf]=MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY
	[firefox/anchor/cn-only]=SSL_ERROR_BAD_CERT_DOMAIN
	[firefox/anchor/chain]=loads
	[chromium/leafP/tomcat]=loads
	[chromium/leafP/leaf]=loads
	[chromium/leafP/ca-leaf]=loads
	[chromium/leafP/cn-only]=ERR_CERT_COMMON_NAME_INVALID
	[chromium/leafP/chain]=loads
	[chromium/rootC/chain]=loads
	[firefox/override/openssl]=loads
	[firefox/anchor/openssl]=loads
	[chromium/leafP/openssl]=loads
	[firefox/override/openssl-ca]=loads
	[firefox/anchor/openssl-ca]=loads
	[chromium/leafP/openssl-ca]=loads
	[chromium/rootC/openssl-ca]=loads
)
# the batches: browser:mechanism; rootC differs from leafP only where the server sends a
# chain (a self-signed certificate gets the same P,, either way), so it runs for the
# profiles with a CA of their own only: chain (certtrust serve) and openssl-ca (openssl)
batches=(firefox:override firefox:anchor chromium:leafP chromium:rootC)
has_root_ca() { [ "$1" = chain ] || [ "$1" = openssl-ca ]; }
batch_profiles() { # batch_profiles MECH -> the profiles that batch visits
	local p
	for p in $profiles; do
		[ "$1" = rootC ] && ! has_root_ca "$p" && continue
		echo "$p"
	done
}

# --- the servers: all profiles at once, each under its own name -----------------------
declare -A port=() leaf_pem=() inter_pem=() root_pem=() leaf_sha256=()
host_of() { echo "$1.$DOMAIN"; }
wrong_of() { echo "wrong.$1.$DOMAIN"; }

# the openssl profiles: openssl s_server -WWW serving the file ccmadmin (text/plain) with
# certificates openssl makes (a century long) for the profile's name:
#   openssl     a self-signed, CA:FALSE certificate
#   openssl-ca  a leaf (CA:FALSE, serverAuth) issued by a root CA (CA:TRUE, keyCertSign);
#               the server sends leaf and root, as lab servers often do
is_openssl() { [ "$1" = openssl ] || [ "$1" = openssl-ca ]; }
openssl_launch() { # openssl_launch DIR PROFILE
	local dir=$1 profile=$2 host p chain=()
	host=$(host_of "$profile")
	mkdir -p "$dir/www"
	echo "UCM lab server (openssl s_server)" >"$dir/www/ccmadmin"
	if [ "$profile" = openssl ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -keyout "$dir/key.pem" \
			-out "$dir/cert.pem" -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
			-addext "basicConstraints=critical,CA:FALSE" 2>"$dir/serve.err" || return 1
	else
		printf '%s\n' "subjectAltName=DNS:$host" "basicConstraints=critical,CA:FALSE" \
			"keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
			"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$dir/leaf.ext"
		{ openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -keyout "$dir/ca-key.pem" \
			-out "$dir/ca.pem" -subj "/O=UCM Lab/CN=UCM Lab Root CA (openssl)" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" &&
			openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/key.pem" \
				-out "$dir/leaf.csr" -subj "/CN=$host" &&
			openssl x509 -req -in "$dir/leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
				-set_serial "0x$(openssl rand -hex 8)" -days 36000 -extfile "$dir/leaf.ext" \
				-out "$dir/cert.pem"; } 2>"$dir/serve.err" || return 1
		chain=(-cert_chain "$dir/ca.pem")
	fi
	p=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	echo "$p" >"$dir/port"
	(cd "$dir/www" && exec openssl s_server -quiet -accept "127.0.0.1:$p" -cert "$dir/cert.pem" \
		"${chain[@]}" -key "$dir/key.pem" -WWW </dev/null >/dev/null 2>>"$dir/serve.err") &
	server_pid[$profile]=$!
}

openssl_ready() { # openssl_ready DIR PROFILE
	local dir=$1 profile=$2 i=0 p
	p=$(cat "$dir/port" 2>/dev/null)
	until [ -n "$p" ] && (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 600 ] || ! kill -0 "${server_pid[$profile]}" 2>/dev/null; then
			log "openssl s_server did not start:"
			sed 's/^/#   /' "$dir/serve.err" >&2
			unset "server_pid[$profile]"
			return 1
		fi
		sleep 0.05
	done
	port[$profile]=$p
	leaf_pem[$profile]="$dir/cert.pem"
	root_pem[$profile]=-
	[ "$profile" = openssl-ca ] && root_pem[$profile]="$dir/ca.pem"
	inter_pem[$profile]=-
	leaf_sha256[$profile]=$(openssl x509 -in "$dir/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
}

server_launch() { # server_launch PROFILE: starts it in the background
	local profile=$1 dir="$work/servers/$1"
	mkdir -p "$dir"
	if is_openssl "$profile"; then
		openssl_launch "$dir" "$profile"
		return
	fi
	rm -f "$dir/serve.json"
	"$CERTTRUST" serve --profile "$profile" --name "$(host_of "$profile")" --https-port 0 \
		--http-port 0 --cert-dir "$dir/cert" --json >"$dir/serve.json" 2>"$dir/serve.err" &
	server_pid[$profile]=$!
}

server_ready() { # server_ready PROFILE: waits for its JSON; sets port[] etc.
	local profile=$1 dir="$work/servers/$1" i=0 ossl
	if is_openssl "$profile"; then
		openssl_ready "$dir" "$profile"
		return
	fi
	until grep -qx '}' "$dir/serve.json" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 600 ] || ! kill -0 "${server_pid[$profile]}" 2>/dev/null; then
			log "certtrust serve --profile $profile did not start:"
			sed 's/^/#   /' "$dir/serve.err" >&2
			unset "server_pid[$profile]"
			return 1
		fi
		sleep 0.05
	done
	IFS=$'\t' read -r "port[$profile]" "leaf_pem[$profile]" "root_pem[$profile]" "inter_pem[$profile]" \
		"leaf_sha256[$profile]" < <(json_get "$dir/serve.json" '"\t".join([
			d["https_url"].rsplit(":", 1)[1].split("/")[0], d["files"]["pem"],
			d["files"].get("root-pem", "-"), d["files"].get("intermediate-pem", "-"),
			[c for c in d["certificates"] if c["role"] == "leaf"][0]["sha256"]])')
	# the fingerprint certtrust reports must be openssl's (the override needs it exact)
	ossl=$(openssl x509 -in "${leaf_pem[$profile]}" -noout -fingerprint -sha256 | cut -d= -f2)
	if [ "$ossl" != "${leaf_sha256[$profile]}" ]; then
		log "$profile: leaf SHA-256 ${leaf_sha256[$profile]} differs from openssl's $ossl"
		return 1
	fi
	[ -n "${port[$profile]}" ]
}

server_alive() { [ -n "${server_pid[$1]:-}" ] && kill -0 "${server_pid[$1]}" 2>/dev/null; }

# --- TAP, written per batch into files (batches may run side by side) -----------------
# Each test point is written as "ok @N@ - ..." and numbered when the batches are printed.
# out (the batch's directory) is set by run_batch.
tap_point() { # tap_point OK(0/1) DESC [EXPECTED MEASURED DETAIL]
	if [ "$1" = 0 ]; then
		echo "ok @N@ - $2" >>"$out/tap"
		return
	fi
	{
		echo "not ok @N@ - $2"
		if [ $# -gt 2 ]; then
			echo "  ---"
			echo "  expected: \"$3\""
			echo "  measured: \"$4\""
			[ -n "${5:-}" ] && echo "  detail: \"$(printf '%s' "$5" | tr -d '"\n\134' | cut -c1-300)\""
			echo "  ..."
		fi
	} >>"$out/tap"
}

# --- the case directory and the stores --------------------------------------------------
# fresh Firefox profile dir and fresh HOME with an empty ~/.pki/nssdb; the profile has the
# empty cert9.db Firefox makes on its first run (the browsers run on copies of the
# profile, so none of them makes it here)
new_case_dir() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir/ff" "$dir/home/.pki/nssdb"
	certutil -N --empty-password -d "sql:$dir/ff" >/dev/null
	certutil -N --empty-password -d "sql:$dir/home/.pki/nssdb" >/dev/null
}

# Firefox must not alter what the test prepared: cert_override.txt and cert9.db's certs
ff_snapshot() { # ff_snapshot DIR -> prints a digest of cert_override.txt + cert list
	{
		cat "$1/ff/cert_override.txt" 2>/dev/null || echo "(no cert_override.txt)"
		if [ -f "$1/ff/cert9.db" ]; then certutil -L -d "sql:$1/ff" 2>&1; else echo "(no cert9.db)"; fi
	} | sha256sum | cut -d' ' -f1
}

# the stores as a listing: what untrust must give back exactly
stores_snapshot() { # stores_snapshot DIR
	grep -v '^#' "$1/ff/cert_override.txt" 2>/dev/null
	[ -f "$1/ff/cert9.db" ] && certutil -L -d "sql:$1/ff"
	certutil -L -d "sql:$1/home/.pki/nssdb"
}

# --- trusting: the product, or by hand ---------------------------------------------------
# trust_args MECH DIR PROFILE -> sets targs (store options) and source (what to trust)
trust_args() {
	local mech=$1 dir=$2 profile=$3 host p=${port[$3]}
	host=$(host_of "$profile")
	case $mech in
	override) targs=(--store "firefox:$dir/ff") ;;
	anchor) targs=(--store "firefox:$dir/ff" --mode anchor --allow-ca) ;;
	leafP) targs=(--store chromium) ;;
	rootC) targs=(--store chromium --allow-ca) ;;
	esac
	source=("https://$host:$p/" --resolve "$host:$p:127.0.0.1")
	if [ "$profile" = chain ] && { [ "$mech" = anchor ] || [ "$mech" = rootC ]; }; then
		# the server sends leaf + intermediate, never its root: to trust the root the user
		# gives the whole chain as a file, and the name they type
		cat "${leaf_pem[$profile]}" "${inter_pem[$profile]}" "${root_pem[$profile]}" >"$dir/chain-with-root.pem"
		source=("$dir/chain-with-root.pem" --name "$host:$p")
	fi
	# the user reaches the server by its address and, by mistake, by a name it lacks
	source+=(--name "127.0.0.1:$p" --name "$(wrong_of "$profile"):$p")
}

certtrust_in() { # certtrust_in DIR ARGS...: certtrust with the case's HOME and ledger
	local dir=$1
	shift
	HOME="$dir/home" XDG_STATE_HOME="$dir/state" XDG_DATA_HOME="$dir/home/.local/share" \
		XDG_CONFIG_HOME="$dir/home/.config" "$CERTTRUST" "$@"
}

# trust_one MECH DIR PROFILE: trusts one server (or plans it, by hand); writes
# $dir/trust-PROFILE.json and sets trust_status[PROFILE]
declare -A trust_status=()
trust_one() {
	local mech=$1 dir=$2 profile=$3 targs source dry=()
	trust_args "$mech" "$dir" "$profile"
	[ "$via" = hand ] && dry=(--dry-run)
	certtrust_in "$dir" trust "${source[@]}" --yes --json "${dry[@]}" "${targs[@]}" \
		>"$dir/trust-$profile.json" 2>"$dir/trust-$profile.err"
	trust_status[$profile]=$?
	[ "${trust_status[$profile]}" = 0 ] || [ "${trust_status[$profile]}" = 6 ]
}

# by hand: what docs/trust-semantics.md measured (CT_MATRIX_VIA=hand), whatever certtrust would refuse
trust_one_by_hand() { # trust_one_by_hand BROWSER MECH DIR PROFILE
	local browser=$1 mech=$2 dir=$3 profile=$4 p=${port[$4]} f name
	case $browser:$mech in
	firefox:override)
		# written with Firefox stopped, in the format Firefox itself writes
		f="$dir/ff/cert_override.txt"
		[ -f "$f" ] || printf '# PSM Certificate Override Settings file\n# This is a generated file!  Do not edit.\n' >"$f"
		for name in "$(host_of "$profile")" 127.0.0.1 "$(wrong_of "$profile")"; do
			printf '%s:%s:\t%s\t%s\t\n' "$name" "$p" "$OVERRIDE_OID" "${leaf_sha256[$profile]}" >>"$f"
		done
		;;
	firefox:anchor)
		f=${leaf_pem[$profile]}
		has_root_ca "$profile" && f=${root_pem[$profile]}
		certutil -A -d "sql:$dir/ff" -n "ct-matrix-$profile" -t C,, -i "$f"
		;;
	chromium:leafP)
		certutil -A -d "sql:$dir/home/.pki/nssdb" -n "ct-matrix-$profile" -t P,, -i "${leaf_pem[$profile]}"
		;;
	chromium:rootC)
		certutil -A -d "sql:$dir/home/.pki/nssdb" -n "ct-matrix-$profile" -t C,, -i "${root_pem[$profile]}"
		;;
	esac
}

undo_one() { # undo_one BROWSER MECH DIR PROFILE
	local browser=$1 mech=$2 dir=$3 profile=$4 f
	if [ "$via" = certtrust ]; then
		[ "${trust_status[$profile]}" = 0 ] || return 0 # a refusal wrote nothing
		certtrust_in "$dir" untrust "${leaf_sha256[$profile]}" \
			>"$dir/untrust-$profile.out" 2>"$dir/untrust-$profile.err"
		return
	fi
	case $browser:$mech in
	firefox:override)
		f="$dir/ff/cert_override.txt"
		grep -v ":${port[$profile]}:" "$f" >"$f.new"
		mv "$f.new" "$f"
		;;
	firefox:anchor) certutil -D -d "sql:$dir/ff" -n "ct-matrix-$profile" ;;
	chromium:*) certutil -D -d "sql:$dir/home/.pki/nssdb" -n "ct-matrix-$profile" ;;
	esac
}

# --- one browser session over every name of every server ---------------------------------
# navigate_all BROWSER DIR STATE -> $dir/nav-STATE.tsv: profile, which, outcome, code, ms, detail
# The product's own driver: `certtrust verify --json` (Firefox over WebDriver BiDi, Chromium
# over CDP, from C), every URL in one browser session, on the case's profile or NSS db.
navigate_all() {
	local browser=$1 dir=$2 state=$3 profile which host args=() urls=() rc u t0
	local json="$dir/nav-$state.json"
	for profile in "${bprofiles[@]}"; do
		args+=(--resolve "$(host_of "$profile"):${port[$profile]}:127.0.0.1"
			--resolve "$(wrong_of "$profile"):${port[$profile]}:127.0.0.1")
		urls+=("$profile name $(host_of "$profile")" "$profile ip 127.0.0.1" "$profile wrong $(wrong_of "$profile")")
	done
	for u in "${urls[@]}"; do
		read -r profile which host <<<"$u"
		args+=("https://$host:${port[$profile]}/ccmadmin")
	done
	args+=(--browser "$browser" --timeout 20 --json)
	[ "$browser" = firefox ] && args+=(--profile "$dir/ff")
	[ "$browser" = chromium ] && args+=(--profile "$dir/home/.pki/nssdb")
	t0=$EPOCHREALTIME
	"$CERTTRUST" verify "${args[@]}" >"$json" 2>"$json.err"
	rc=$?
	# 0: every page loaded, 4: some were blocked; anything else: the browser was not driven
	if [ "$rc" != 0 ] && [ "$rc" != 4 ]; then
		log "certtrust verify --browser $browser ($state) failed: $(tail -3 "$json.err" | tr '\n' ' ')"
		: >"$dir/nav-$state.tsv"
		for u in "${urls[@]}"; do
			read -r profile which host <<<"$u"
			printf '%s\t%s\tnot-driven\texit-%s\t0\t%s\n' "$profile" "$which" "$rc" "$(tail -1 "$json.err" | tr '\t\n' '  ')" >>"$dir/nav-$state.tsv"
		done
		return 1
	fi
	printf '%s\n' "${urls[@]}" | python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
keys = sys.stdin.read().strip().split("\n")
clean = lambda s: str(s or "").replace("\t", " ").replace("\n", " ")
navs = d["navigations"]
for i, k in enumerate(keys):
    n = navs[i] if i < len(navs) else {"outcome": "missing"}
    profile, which = k.split(" ")[:2]
    # "-" for nothing: read collapses empty tab-separated fields
    print("\t".join([profile, which, n["outcome"], clean(n.get("error_code")) or "-",
                     str(n.get("elapsed_ms", 0)), clean(n.get("url")) or "-"]))
total = sum(n.get("elapsed_ms", 0) for n in navs)
browser = d["browser"]
print(f"{browser} {sys.argv[2]}: {len(navs)} navigations, {total} ms in pages, "
      f"{sys.argv[3]} s with the launch", file=sys.stderr)' \
		"$json" "$state" "$(secs_since "$t0")" >"$dir/nav-$state.tsv" 2>>"$out_dir_times"
	json_get "$json" 'd["version"] + "\n"' >"$out/version-$browser"
	return 0
}

# --- one batch: a browser, a mechanism, one case dir, three sessions ---------------------
# run_batch BROWSER MECH: writes $work/batch-BROWSER-MECH/{tap,summary,disagree,mispredict,times}
run_batch() {
	local browser=$1 mech=$2 profile state which outcome code detail dir t0 snap0 snap1 snap_before=""
	out="$work/batch-$browser-$mech"
	dir="$out/case"
	mkdir -p "$out"
	: >"$out/tap"
	: >"$out/summary"
	: >"$out/disagree"
	: >"$out/mispredict"
	out_dir_times="$out/times"
	: >"$out_dir_times"
	local bprofiles # read by navigate_all
	mapfile -t bprofiles < <(batch_profiles "$mech")
	local live=()
	for profile in "${bprofiles[@]}"; do
		if [ -n "${port[$profile]:-}" ]; then live+=("$profile"); fi
	done
	bprofiles=("${live[@]}")
	[ ${#bprofiles[@]} -gt 0 ] || return 0
	new_case_dir "$dir"
	t0=$EPOCHREALTIME
	declare -A cell=() verdict=()

	for state in before after undone; do
		case $state in
		after)
			for profile in "${bprofiles[@]}"; do
				if ! trust_one "$mech" "$dir" "$profile"; then
					tap_point 1 "$browser $mech $profile: certtrust trust ($via) exits 0 or 6" "0 or 6" \
						"${trust_status[$profile]}" "$(cat "$dir/trust-$profile.err" 2>/dev/null)"
				fi
				if [ "$via" = hand ] && ! trust_one_by_hand "$browser" "$mech" "$dir" "$profile" 2>"$dir/hand-$profile.err"; then
					tap_point 1 "$browser $mech $profile: trust written by hand" "written" "failed" \
						"$(cat "$dir/hand-$profile.err")"
				fi
				# the plan's verdict for each name, in this browser
				while IFS=$'\t' read -r which v; do
					verdict[$profile/$which]=$v
				done < <(python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    d = {}
browser, port, host, wrong = sys.argv[2:]
want = {"name": f"{host}:{port}", "ip": f"127.0.0.1:{port}", "wrong": f"{wrong}:{port}"}
preds = [p for s in d.get("stores", []) for p in s.get("predictions", []) if p["browser"] == browser]
for which, name in want.items():
    found = [p["verdict"] for p in preds if p["name"] == name]
    print(f"{which}\t{found[0] if found else 'none'}")' "$dir/trust-$profile.json" "$browser" "${port[$profile]}" "$(host_of "$profile")" "$(wrong_of "$profile")")
				if [ "$via" = certtrust ] && has_root_ca "$profile" && { [ "$mech" = anchor ] || [ "$mech" = rootC ]; }; then
					local target root
					target=$(json_get "$dir/trust-$profile.json" '(d.get("stores") or [{}])[0].get("target_sha256")')
					root=$(openssl x509 -in "${root_pem[$profile]}" -noout -fingerprint -sha256 | cut -d= -f2)
					[ "$target" = "$root" ]
					tap_point $? "$browser $mech $profile: certtrust trusted the root, not the leaf" "$root" "$target"
				fi
			done
			;;
		undone)
			for profile in "${bprofiles[@]}"; do
				if ! undo_one "$browser" "$mech" "$dir" "$profile" 2>"$dir/undo-$profile.err"; then
					tap_point 1 "$browser $mech $profile: untrust ($via)" "undone" "failed" \
						"$(cat "$dir/undo-$profile.err" "$dir/untrust-$profile.err" 2>/dev/null)"
				fi
			done
			;;
		esac
		snap0=$(ff_snapshot "$dir")
		navigate_all "$browser" "$dir" "$state"
		snap1=$(ff_snapshot "$dir")
		# the browser's first run creates its own files: "as before" starts here
		[ "$state" = before ] && snap_before=$(stores_snapshot "$dir")

		while IFS=$'\t' read -r profile which outcome code _ detail; do
			[ "$code" = - ] && code=""
			[ "$detail" = - ] && detail=""
			local host label expect_o expect_c research="" pred="" ok=0 expected measured
			case $which in
			name) host=$(host_of "$profile") ;;
			ip) host=127.0.0.1 ;;
			*) host=$(wrong_of "$profile") ;;
			esac
			label="$browser $mech $profile $which ($host) $state"
			measured="$outcome${code:+ $code}"
			if ! server_alive "$profile"; then
				detail="certtrust serve --profile $profile is gone; $detail"
			fi
			case $state in
			before | undone)
				expect_o=blocked expect_c=""
				[ "$which" = name ] && expect_c=${research_before[$browser/$profile]:-}
				# blocked means the browser's own error; a time-out proves nothing
				[ "$outcome" = blocked ] && [ -n "$code" ] && [ "$code" != TIMEOUT ] || ok=1
				if [ -n "$expect_c" ] && [ "$code" != "$expect_c" ]; then
					ok=1
					echo "$label: research says blocked $expect_c, browser said $measured" >>"$out/disagree"
				fi
				expected="blocked${expect_c:+ $expect_c}"
				;;
			after)
				pred=${verdict[$profile/$which]:-none}
				if [ "$pred" = loads ]; then expect_o=loads; else expect_o=blocked; fi
				expected="$expect_o (plan: $pred)"
				if [ "$outcome" != "$expect_o" ]; then
					ok=1
					echo "$label: plan predicted $pred, browser said $measured" >>"$out/mispredict"
				fi
				research=""
				if [ "$which" = name ]; then research=${research_after[$browser/$mech/$profile]:-}; fi
				# certtrust refuses what cannot work: nothing written, so still the "before" code
				if [ -n "$research" ] && [ "$via" = certtrust ] && [ "${trust_status[$profile]}" = 6 ] &&
					[ "$research" != loads ]; then
					research=${research_before[$browser/$profile]:-}
				fi
				if [ -n "$research" ]; then
					expected+=", research: $research"
					if { [ "$research" = loads ] && [ "$outcome" != loads ]; } ||
						{ [ "$research" != loads ] && [ "$code" != "$research" ]; }; then
						ok=1
						echo "$label: research says $research, browser said $measured" >>"$out/disagree"
					fi
				fi
				;;
			esac
			case $code in TIMEOUT | UNKNOWN | exit-*) ok=1 ;; esac
			if [ "$ok" = 0 ]; then
				tap_point 0 "$label: $measured${pred:+ (plan: $pred)}"
			else
				tap_point 1 "$label: expected $expected, measured $measured" "$expected" "$measured" "$detail"
			fi
			cell[$profile/$which/$state]="$measured"
		done <"$dir/nav-$state.tsv"

		if [ "$state" = undone ]; then
			[ "$(stores_snapshot "$dir")" = "$snap_before" ]
			tap_point $? "$browser $mech: untrust gives the stores back as they were" \
				"$(printf '%s' "$snap_before" | tr '\n' ' ')" "$(stores_snapshot "$dir" | tr '\n' ' ')"
		fi
		if [ "$browser" = firefox ] && [ "$state" = after ]; then
			# the browser runs on a copy; the trust the test wrote must stay as it was
			[ "$snap0" = "$snap1" ]
			tap_point $? "$browser $mech: Firefox left cert_override.txt and cert9.db as written"
		fi
	done

	for profile in "${bprofiles[@]}"; do
		for which in name ip wrong; do
			printf '%-8s %-7s %-13s %-5s plan=%-15s before=%s | after=%s | undone=%s\n' \
				"$browser" "$mech" "$profile" "$which" "${verdict[$profile/$which]:-?}" \
				"${cell[$profile/$which/before]:-?}" "${cell[$profile/$which/after]:-?}" \
				"${cell[$profile/$which/undone]:-?}" >>"$out/summary"
		done
	done
	echo "$browser $mech: $(secs_since "$t0")s for ${#bprofiles[@]} servers x 3 names x 3 states" >>"$out_dir_times"
	[ "${CT_MATRIX_KEEP:-0}" = 1 ] || rm -rf "$dir"
}

run_lane() { # run_lane BATCH...: the batches one after the other
	local b
	for b in "$@"; do
		IFS=: read -r browser mech <<<"$b"
		run_batch "$browser" "$mech"
	done
}

# --- the matrix -----------------------------------------------------------------------
echo "TAP version 14"
matrix_t0=$EPOCHREALTIME
mkdir -p "$work/servers"
for profile in $profiles; do server_launch "$profile"; done
setup_tap=()
for profile in $profiles; do
	if server_ready "$profile"; then
		log "profile $profile: https://$(host_of "$profile"):${port[$profile]}/, leaf SHA-256 ${leaf_sha256[$profile]}"
	else
		setup_tap+=("$profile")
	fi
done
log "servers up after $(secs_since "$matrix_t0")s"

# two lanes of one Firefox and one Chromium batch each: two browsers run at a time, and
# the lanes take about as long (Firefox override + Chromium rootC ~ leafP + anchor)
lane_one=() lane_two=()
for b in firefox:override chromium:rootC; do
	case " $browsers " in *" ${b%%:*} "*) lane_one+=("$b") ;; esac
done
for b in chromium:leafP firefox:anchor; do
	case " $browsers " in *" ${b%%:*} "*) lane_two+=("$b") ;; esac
done
if [ "$jobs" -ge 2 ]; then
	if [ ${#lane_one[@]} -gt 0 ]; then
		run_lane "${lane_one[@]}" &
		lane_pids+=($!)
	fi
	if [ ${#lane_two[@]} -gt 0 ]; then
		run_lane "${lane_two[@]}" &
		lane_pids+=($!)
	fi
	for pid in "${lane_pids[@]}"; do wait "$pid"; done
	lane_pids=()
else
	run_lane "${lane_one[@]}" "${lane_two[@]}"
fi
total=$(secs_since "$matrix_t0")

# --- print: TAP in batch order, numbered; the summary on stderr ---------------------------
n=0
nfail=0
for profile in "${setup_tap[@]}"; do
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n - certtrust serve --profile $profile starts"
done
for profile in $profiles; do
	[ -n "${server_pid[$profile]:-}" ] || continue
	if server_alive "$profile"; then continue; fi
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n - certtrust serve --profile $profile kept running through the matrix"
	sed 's/^/#   /' "$work/servers/$profile/serve.err" >&2
done
for b in "${batches[@]}"; do
	f="$work/batch-${b%%:*}-${b#*:}/tap"
	[ -f "$f" ] || continue
	while IFS= read -r line; do
		case $line in
		"ok @N@"*) n=$((n + 1)); echo "ok $n${line#ok @N@}" ;;
		"not ok @N@"*) n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n${line#not ok @N@}" ;;
		*) echo "$line" ;;
		esac
	done <"$f"
done
echo "1..$n"
{
	printf '# ---- browser matrix ('
	for b in $browsers; do printf '%s %s; ' "$b" "$(cat "$work/batch-$b-"*/version-"$b" 2>/dev/null | head -1)"; done
	printf 'via %s)\n' "$via"
	cat "$work"/batch-*/summary 2>/dev/null | sed 's/^/#   /'
	echo "# ---- timing"
	cat "$work"/batch-*/times 2>/dev/null | sed 's/^#* */#   /'
	echo "# time: ${total}s total, $jobs lane(s)${CT_MATRIX_IN_NETNS:+, in a loopback-only network namespace}"
	if cat "$work"/batch-*/mispredict 2>/dev/null | grep -q .; then
		echo "# the browser DISAGREES with certtrust's plan (the browser is right; fix ct_trust_predict):"
		cat "$work"/batch-*/mispredict | sed 's/^/#   /'
	fi
	if cat "$work"/batch-*/disagree 2>/dev/null | grep -q .; then
		echo "# DISAGREES with docs/trust-semantics.md (the browser is right; fix the doc/design):"
		cat "$work"/batch-*/disagree | sed 's/^/#   /'
	fi
} | tee "${CT_MATRIX_SUMMARY:-/dev/null}" >&2
[ "$nfail" = 0 ]
