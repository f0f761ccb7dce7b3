#!/usr/bin/env bash
# Proves DESIGN.md §5's trust table against the REAL packaged browsers, through
# certtrust's own trust and untrust: for each `certtrust serve` profile that matters, each
# browser and each way of trusting the design prescribes, a fresh Firefox profile or a
# fresh HOME/.pki/nssdb, then
#   before  - nothing trusted: the browser must block with the research note's code
#   after   - `certtrust trust` (or, with CT_MATRIX_VIA=hand, certutil / a cert_override.txt
#             line written by hand): loads where the plan predicted it would
#   undone  - `certtrust untrust`: blocked again, and the stores listed as before
# Expected cells are research/browser-trust.md's measurements. A cell that differs is
# "not ok" with expected and measured values: believe the browser, fix the note.
# Output: TAP 14 on stdout (a meson test with protocol: 'tap'); diagnostics on stderr.
#
# env: CERTTRUST      certtrust binary (default /work/main/build/helper/cli/certtrust)
#      CT_MATRIX_BROWSERS  "firefox chromium" (default both)
#      CT_MATRIX_PROFILES  "tomcat leaf ca-leaf cn-only chain" (default all)
#      CT_MATRIX_NETNS=1   run inside a new network namespace that has only loopback
#      CT_MATRIX_KEEP=1    keep the work directory
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CERTTRUST=${CERTTRUST:-/work/main/build/helper/cli/certtrust}
FIREFOX=${CT_FIREFOX:-/usr/lib/firefox-esr/firefox-esr}
CHROMIUM=${CT_CHROMIUM:-/usr/lib/chromium/chromium}
NAME=ucm.example.test
OVERRIDE_OID=OID.2.16.840.1.101.3.4.2.1
browsers=${CT_MATRIX_BROWSERS:-firefox chromium}
profiles=${CT_MATRIX_PROFILES:-tomcat leaf ca-leaf cn-only chain}
# certtrust: trust with `certtrust trust`, undo with `certtrust untrust` (the product);
# hand: certutil and cert_override.txt lines written directly (the research's method)
via=${CT_MATRIX_VIA:-certtrust}

# --- skip cleanly when the browsers or the driver are not there ----------------------
missing=()
for b in $browsers; do
	case $b in
	firefox) [ -x "$FIREFOX" ] || missing+=("firefox-esr") ;;
	chromium) [ -x "$CHROMIUM" ] || missing+=("chromium") ;;
	*) echo "Bail out! unknown browser $b in CT_MATRIX_BROWSERS"; exit 1 ;;
	esac
done
command -v node >/dev/null 2>&1 || missing+=("node")
[ -f "$here/node_modules/puppeteer-core/package.json" ] || missing+=("tests/browser/node_modules")
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
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
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

# --- TAP ----------------------------------------------------------------------------
echo "TAP version 14"
n=0
nfail=0
disagree=()
# tap_cell DESC EXPECTED_OUTCOME EXPECTED_CODE ACTUAL_OUTCOME ACTUAL_CODE [DETAIL]
tap_cell() {
	local desc=$1 eo=$2 ec=$3 ao=$4 ac=$5 detail=${6:-}
	n=$((n + 1))
	if [ "$eo" = "$ao" ] && [ "$ec" = "$ac" ]; then
		echo "ok $n - $desc: $ao${ac:+ $ac}"
	else
		nfail=$((nfail + 1))
		disagree+=("$desc: expected $eo${ec:+ $ec}, browser said $ao${ac:+ $ac}")
		echo "not ok $n - $desc: expected $eo${ec:+ $ec}, measured $ao${ac:+ $ac}"
		echo "  ---"
		echo "  expected: \"$eo${ec:+ $ec}\""
		echo "  measured: \"$ao${ac:+ $ac}\""
		[ -n "$detail" ] && echo "  detail: $(printf '%s' "$detail" | tr -d '"\n' | cut -c1-300 | sed 's/^/"/;s/$/"/')"
		echo "  ..."
	fi
}
tap_check() { # tap_check DESC OK(0/1) [WHY]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		nfail=$((nfail + 1))
		echo "not ok $n - $1${3:+: $3}"
	fi
}

# --- helpers ------------------------------------------------------------------------
json_get() { # json_get FILE JS-EXPRESSION-ON-d
	node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const v = eval(process.argv[2])(d);
		process.stdout.write(v === null || v === undefined ? "" : String(v));' "$1" "$2"
}

start_server() { # start_server PROFILE DIR -> sets server_pid, port, leaf_pem, inter_pem, root_pem, leaf_sha256
	local profile=$1 dir=$2
	mkdir -p "$dir"
	"$CERTTRUST" serve --profile "$profile" --name "$NAME" --https-port 0 --http-port 0 \
		--cert-dir "$dir/cert" --json >"$dir/serve.json" 2>"$dir/serve.err" &
	server_pid=$!
	local i=0
	until grep -qx '}' "$dir/serve.json" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 300 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			log "certtrust serve --profile $profile did not start:"
			sed 's/^/#   /' "$dir/serve.err" >&2
			server_pid=""
			return 1
		fi
		sleep 0.05
	done
	port=$(json_get "$dir/serve.json" 'd => new URL(d.https_url).port')
	leaf_pem=$(json_get "$dir/serve.json" 'd => d.files.pem')
	root_pem=$(json_get "$dir/serve.json" 'd => d.files["root-pem"]')
	inter_pem=$(json_get "$dir/serve.json" 'd => d.files["intermediate-pem"]')
	leaf_sha256=$(json_get "$dir/serve.json" 'd => d.certificates.find(c => c.role === "leaf").sha256')
	# the fingerprint certtrust reports must be openssl's (the override needs it exact)
	local ossl
	ossl=$(openssl x509 -in "$leaf_pem" -noout -fingerprint -sha256 | cut -d= -f2)
	[ "$ossl" = "$leaf_sha256" ] || { log "leaf SHA-256 $leaf_sha256 differs from openssl's $ossl"; return 1; }
	[ -n "$port" ]
}

# server_check PROFILE: 0 when the server runs; else says how it ended (stderr, TAP)
server_check() {
	[ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null && return 0
	local status=none
	if [ -n "$server_pid" ]; then
		wait "$server_pid" 2>/dev/null
		status=$?
		[ "$status" -gt 128 ] && status="$status (signal $((status - 128)))"
	fi
	server_pid=""
	log "certtrust serve --profile $1 is gone (exit status $status); stderr:"
	sed 's/^/#   /' "$pdir/serve.err" >&2
	tap_check "certtrust serve --profile $1 keeps running" 1 "exit status $status"
	return 1
}

stop_server() {
	[ -n "$server_pid" ] || return 0
	kill -TERM "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
}

# navigate BROWSER CASEDIR -> sets nav_outcome nav_code nav_detail; 1 if not driven
navigate() {
	local browser=$1 dir=$2 out rc
	out="$dir/nav-$browser-$((++nav_seq)).json"
	local args=(--browser "$browser" --url "https://$NAME:$port/ccmadmin" --map "$NAME"
		--home "$dir/home" --timeout 20000)
	[ "$browser" = firefox ] && args+=(--firefox-profile "$dir/ff")
	[ "$browser" = chromium ] && args+=(--chromium-user-data-dir "$dir/chromium-data-$nav_seq")
	local t0=$EPOCHREALTIME
	node "$here/navigate.mjs" "${args[@]}" >"$out" 2>"$out.err"
	rc=$?
	local t1=$EPOCHREALTIME
	rm -rf "$dir/chromium-data-$nav_seq"
	nav_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if [ "$rc" != 0 ]; then
		nav_outcome="not-driven"
		nav_code="exit-$rc"
		nav_detail=$(tail -3 "$out.err" | tr '\n' ' ')
		log "navigate.mjs $browser failed: $nav_detail"
		return 1
	fi
	nav_outcome=$(json_get "$out" 'd => d.navigations[0].outcome')
	nav_code=$(json_get "$out" 'd => d.navigations[0].error_code')
	nav_detail=$(json_get "$out" 'd => d.navigations[0].detail')
	[ -n "${version[$browser]:-}" ] || version[$browser]=$(json_get "$out" 'd => d.version')
	return 0
}
nav_seq=0
declare -A version

new_case_dir() { # fresh Firefox profile dir and fresh HOME with an empty ~/.pki/nssdb
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir/ff" "$dir/home/.pki/nssdb"
	certutil -N --empty-password -d "sql:$dir/home/.pki/nssdb" >/dev/null
}

# Firefox must not alter what the test prepared: cert_override.txt and cert9.db's certs
ff_snapshot() { # ff_snapshot DIR -> prints a digest of cert_override.txt + cert list
	{
		cat "$1/ff/cert_override.txt" 2>/dev/null || echo "(no cert_override.txt)"
		if [ -f "$1/ff/cert9.db" ]; then certutil -L -d "sql:$1/ff" 2>&1; else echo "(no cert9.db)"; fi
	} | sha256sum | cut -d' ' -f1
}

# --- what is expected (research/browser-trust.md, Tables 1 and 2) --------------------
# before, per browser and profile
declare -A before=(
	[firefox/tomcat]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/leaf]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/ca-leaf]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/cn-only]="MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT"
	[firefox/chain]="SEC_ERROR_UNKNOWN_ISSUER"
	[chromium/tomcat]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/leaf]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/ca-leaf]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/cn-only]="ERR_CERT_AUTHORITY_INVALID"
	[chromium/chain]="ERR_CERT_AUTHORITY_INVALID"
)
# the cases: browser:mechanism:profile:expected-after ("loads" or an error code).
#  firefox override  = DESIGN §5 default `--mode exception`: cert_override.txt line (leaf SHA-256)
#  firefox anchor    = `--mode anchor`: NSS C,, (of the root for chain); the design refuses
#                      ca-leaf and cn-only because the browser then says what is recorded here
#  chromium leafP    = NSS P,, of the server's leaf (trusted leaf; DESIGN's default for all)
#  chromium rootC    = NSS C,, of the private root (chain with --allow-ca)
cases=(
	firefox:override:tomcat:loads
	firefox:override:leaf:loads
	firefox:override:ca-leaf:loads
	firefox:override:cn-only:loads
	firefox:override:chain:loads
	firefox:anchor:tomcat:loads
	firefox:anchor:leaf:loads
	firefox:anchor:ca-leaf:MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY
	firefox:anchor:cn-only:SSL_ERROR_BAD_CERT_DOMAIN
	firefox:anchor:chain:loads
	chromium:leafP:tomcat:loads
	chromium:leafP:leaf:loads
	chromium:leafP:ca-leaf:loads
	chromium:leafP:cn-only:ERR_CERT_COMMON_NAME_INVALID
	chromium:leafP:chain:loads
	chromium:rootC:chain:loads
)

# by hand: what the research measured (CT_MATRIX_VIA=hand)
apply_trust_by_hand() { # apply_trust_by_hand BROWSER MECH PROFILE DIR
	local browser=$1 mech=$2 profile=$3 dir=$4
	case $browser:$mech in
	firefox:override)
		# written with Firefox stopped, in the format Firefox itself writes
		local f="$dir/ff/cert_override.txt"
		[ -f "$f" ] || printf '# PSM Certificate Override Settings file\n# This is a generated file!  Do not edit.\n' >"$f"
		printf '%s:%s:\t%s\t%s\t\n' "$NAME" "$port" "$OVERRIDE_OID" "$leaf_sha256" >>"$f"
		;;
	firefox:anchor)
		local pem=$leaf_pem
		[ "$profile" = chain ] && pem=$root_pem
		certutil -A -d "sql:$dir/ff" -n ct-matrix -t C,, -i "$pem"
		;;
	chromium:leafP)
		certutil -A -d "sql:$dir/home/.pki/nssdb" -n ct-matrix -t P,, -i "$leaf_pem"
		;;
	chromium:rootC)
		certutil -A -d "sql:$dir/home/.pki/nssdb" -n ct-matrix -t C,, -i "$root_pem"
		;;
	esac
}

undo_trust_by_hand() { # undo_trust_by_hand BROWSER MECH DIR
	local browser=$1 mech=$2 dir=$3
	case $browser:$mech in
	firefox:override)
		local f="$dir/ff/cert_override.txt"
		grep -v "^$NAME:$port:" "$f" >"$f.new"
		mv "$f.new" "$f"
		;;
	firefox:anchor) certutil -D -d "sql:$dir/ff" -n ct-matrix ;;
	chromium:*) certutil -D -d "sql:$dir/home/.pki/nssdb" -n ct-matrix ;;
	esac
}

# the product: `certtrust trust` as a user runs it, the server reached by its name;
# sets trust_status (certtrust's exit status) and trust_prediction (the plan's verdict)
apply_trust_certtrust() { # apply_trust_certtrust BROWSER MECH PROFILE DIR
	local browser=$1 mech=$2 dir=$4 args=()
	case $browser:$mech in
	firefox:override) args=(--store "firefox:$dir/ff") ;;
	firefox:anchor) args=(--store "firefox:$dir/ff" --mode anchor --allow-ca) ;;
	chromium:leafP) args=(--store chromium) ;;
	chromium:rootC) args=(--store chromium --allow-ca) ;;
	esac
	local source=("https://$NAME:$port/" --resolve "$NAME:$port:127.0.0.1")
	if [ "$3" = chain ] && [ "$mech" != override ] && [ "$mech" != leafP ]; then
		# the server sends leaf + intermediate, never its root: to trust the root the user
		# gives the whole chain as a file, and the name they type
		cat "$leaf_pem" "$inter_pem" "$root_pem" >"$dir/chain-with-root.pem"
		source=("$dir/chain-with-root.pem" --name "$NAME:$port")
	fi
	HOME="$dir/home" XDG_STATE_HOME="$dir/state" XDG_DATA_HOME="$dir/home/.local/share" \
		"$CERTTRUST" trust "${source[@]}" --yes --json "${args[@]}" \
		>"$dir/trust.json" 2>"$dir/trust.err"
	trust_status=$?
	trust_prediction=$(json_get "$dir/trust.json" 'd => d.stores[0].predictions[0].verdict')
	trust_target=$(json_get "$dir/trust.json" 'd => d.stores[0].target_sha256')
	[ "$trust_status" = 0 ] || [ "$trust_status" = 6 ]
}

undo_trust_certtrust() { # undo_trust_certtrust BROWSER MECH DIR
	local dir=$3
	[ "$trust_status" = 0 ] || return 0 # a refusal wrote nothing
	HOME="$dir/home" XDG_STATE_HOME="$dir/state" XDG_DATA_HOME="$dir/home/.local/share" \
		"$CERTTRUST" untrust "$leaf_sha256" >"$dir/untrust.out" 2>"$dir/untrust.err"
}

# the stores as a listing: what untrust must give back exactly
stores_snapshot() { # stores_snapshot DIR
	grep -v '^#' "$1/ff/cert_override.txt" 2>/dev/null
	[ -f "$1/ff/cert9.db" ] && certutil -L -d "sql:$1/ff"
	certutil -L -d "sql:$1/home/.pki/nssdb"
}

# --- the matrix -----------------------------------------------------------------------
matrix_t0=$EPOCHREALTIME
declare -A browser_secs=([firefox]=0 [chromium]=0)
summary=()
for profile in $profiles; do
	pdir="$work/$profile"
	if ! start_server "$profile" "$pdir"; then
		tap_check "certtrust serve --profile $profile starts" 1 "see stderr"
		continue
	fi
	log "profile $profile: https port $port, leaf SHA-256 $leaf_sha256"
	for c in "${cases[@]}"; do
		IFS=: read -r browser mech cprofile after_exp <<<"$c"
		[ "$cprofile" = "$profile" ] || continue
		case " $browsers " in *" $browser "*) ;; *) continue ;; esac
		label="$browser $mech $profile"
		if ! server_check "$profile"; then
			start_server "$profile" "$pdir" || break
			log "profile $profile restarted: https port $port"
		fi
		dir="$pdir/$browser-$mech"
		new_case_dir "$dir"
		row="$browser/$mech/$profile:"
		case_t0=$EPOCHREALTIME

		before_exp=${before[$browser/$profile]}
		snap_before=""
		for state in before after undone; do
			case $state in
			after)
				if ! "apply_trust_$via" "$browser" "$mech" "$profile" "$dir" 2>"$dir/apply.err"; then
					tap_check "$label: trust ($via)" 1 "$(cat "$dir/apply.err" "$dir/trust.err" 2>/dev/null | tr '\n' ' ')"
					break
				fi
				# certtrust refuses what cannot work: nothing written, still blocked
				if [ "$via" = certtrust ] && [ "$trust_status" = 6 ] && [ "$after_exp" != loads ]; then
					after_exp=$before_exp
				fi
				;;
			undone)
				if ! "undo_trust_$via" "$browser" "$mech" "$dir" 2>"$dir/undo.err"; then
					tap_check "$label: untrust ($via)" 1 "$(cat "$dir/undo.err" "$dir/untrust.err" 2>/dev/null | tr '\n' ' ')"
					break
				fi
				;;
			esac
			snap0=$(ff_snapshot "$dir")
			navigate "$browser" "$dir"
			snap1=$(ff_snapshot "$dir")
			# the browser's first run creates its own files: "as before" starts here
			[ "$state" = before ] && snap_before=$(stores_snapshot "$dir")
			case $state in
			before | undone) eo=blocked ec=$before_exp ;;
			after) if [ "$after_exp" = loads ]; then eo=loads ec=""; else eo=blocked ec=$after_exp; fi ;;
			esac
			if ! kill -0 "$server_pid" 2>/dev/null; then
				nav_detail="certtrust serve died during this cell; $nav_detail"
			fi
			tap_cell "$label $state" "$eo" "$ec" "$nav_outcome" "$nav_code" "$nav_detail"
			row+=" $state=${nav_outcome}${nav_code:+($nav_code)} [${nav_secs}s]"
			if [ "$via" = certtrust ] && [ "$state" = after ]; then
				# the plan said what the browser would do; the browser is the judge
				if [ "$nav_outcome" = loads ]; then predicted_ok=$([ "$trust_prediction" = loads ] && echo 0 || echo 1)
				else predicted_ok=$([ "$trust_prediction" != loads ] && echo 0 || echo 1); fi
				tap_check "$label: the plan predicted it ($trust_prediction, browser: $nav_outcome${nav_code:+ $nav_code})" "$predicted_ok"
			fi
			if [ "$via" = certtrust ] && [ "$state" = after ] && [ "$profile" = chain ] &&
				{ [ "$mech" = anchor ] || [ "$mech" = rootC ]; }; then
				root_sha256=$(openssl x509 -in "$root_pem" -noout -fingerprint -sha256 | cut -d= -f2)
				[ "$trust_target" = "$root_sha256" ]
				tap_check "$label: certtrust trusted the root, not the leaf" $?
			fi
			if [ "$via" = certtrust ] && [ "$state" = undone ]; then
				[ "$(stores_snapshot "$dir")" = "$snap_before" ]
				tap_check "$label: untrust gives the stores back as they were" $?
			fi
			if [ "$browser" = firefox ] && [ "$state" = after ]; then
				# puppeteer may write user.js/prefs.js; the trust the test wrote must stay as it was
				[ "$snap0" = "$snap1" ]
				tap_check "$label: Firefox left cert_override.txt and cert9.db as written" $?
			fi
		done
		secs=$(awk -v a="$case_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
		browser_secs[$browser]=$(awk -v a="${browser_secs[$browser]}" -v b="$secs" 'BEGIN { printf "%.1f", a + b }')
		summary+=("$row")
		rm -rf "$dir"
	done
	server_check "$profile" && stop_server
done
total=$(awk -v a="$matrix_t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')

echo "1..$n"
{
	echo "# ---- browser matrix ($(for b in $browsers; do printf '%s %s; ' "$b" "${version[$b]:-?}"; done))"
	for r in "${summary[@]}"; do echo "#   $r"; done
	echo "# time: ${total}s total (firefox ${browser_secs[firefox]}s, chromium ${browser_secs[chromium]}s)${CT_MATRIX_IN_NETNS:+, in a loopback-only network namespace}"
	if [ ${#disagree[@]} -gt 0 ]; then
		echo "# DISAGREES with research/browser-trust.md (the browser is right; fix the note/design):"
		for d in "${disagree[@]}"; do echo "#   $d"; done
	fi
} | tee "${CT_MATRIX_SUMMARY:-/dev/null}" >&2
[ "$nfail" = 0 ]
