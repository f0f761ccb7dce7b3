#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make-pki.sh OUTDIR: the test PKI and the malformed inputs the tests read through
# CT_TEST_DATADIR. Generated at build time, never committed: fresh keys on every run,
# fixed file names, fixed serials, a century of validity: nothing a test relies on may
# expire with the build dir's age (a CI machine reuses its build dir).
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
der_to_ber="$(cd "$(dirname "$0")/../lib" && pwd)/der-to-ber.py"
mkdir -p "$out"
cd "$out"
umask 022

# only our configuration: the host's openssl.cnf must not add extensions
export OPENSSL_CONF="$PWD/pki.cnf"
days=36500

cat >pki.cnf <<'EOF'
# written by tests/data/make-pki.sh
oid_section = new_oids

[new_oids]
# an unregistered attribute type: no length limit, unlike CN's 64 characters
ctLongValue = 1.2.3.4

[req]
distinguished_name = req_dn
prompt = no
string_mask = utf8only

[req_dn]
CN = unused

[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[v3_inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:ucm.example.com, DNS:ucm, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# a wildcard over a public suffix, which Chromium refuses and Firefox accepts, beside an
# ordinary wildcard (which both apply to IDN A-labels or not: measured by the tests)
[v3_public_suffix]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.co.uk, DNS:*.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# keytool -genkeypair: SAN and SKI, no basicConstraints, no key usage
[v3_tomcat]
subjectAltName = DNS:ucm.example.com
subjectKeyIdentifier = hash

# an internationalized name: the SAN holds the A-label of bücher.example, as a CA writes it
[v3_idn]
subjectAltName = DNS:xn--bcher-kva.example
subjectKeyIdentifier = hash

# openssl req -x509 with the stock v3_ca section (plus -addext subjectAltName)
[v3_ca_leaf]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer
basicConstraints = critical, CA:TRUE
subjectAltName = DNS:ucm.example.com

[v3_cn_only]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash

[v3_wildcard]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.com
subjectKeyIdentifier = hash

[v3_ec]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:ucm.example.com
subjectKeyIdentifier = hash

[v3_hostile]
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = hash
EOF

rsa_key() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
	chmod 600 "$1"
}

# self_signed KEY SUBJECT SECTION SERIAL OUT.pem
self_signed() {
	openssl req -x509 -new -sha256 -key "$1" -subj "$2" -extensions "$3" \
		-set_serial "$4" -days "$days" -out "$5"
}

# issued KEY SUBJECT SECTION SERIAL CA_PREFIX OUT.pem
issued() {
	openssl req -new -sha256 -key "$1" -subj "$2" -out "$6.csr"
	openssl x509 -req -sha256 -in "$6.csr" -CA "$5.pem" -CAkey "$5.key" \
		-set_serial "$4" -days "$days" -extfile pki.cnf -extensions "$3" \
		-out "$6" 2>/dev/null
	rm -f "$6.csr"
}

# the private CA: root -> intermediate -> leaf
rsa_key ca.key
rsa_key inter.key
rsa_key leaf.key
self_signed ca.key "/O=certtrust tests/CN=certtrust Test Root CA" v3_root 0x01 ca.pem
issued inter.key "/O=certtrust tests/CN=certtrust Test Intermediate CA" v3_inter 0x02 ca inter.pem
issued leaf.key "/O=certtrust tests/CN=ucm.example.com" v3_leaf \
	0x5EAF00D15C0FFEE0123456789ABCDEF0 inter leaf.pem
openssl x509 -in ca.pem -outform DER -out ca.der
rsa_key public-suffix.key
issued public-suffix.key "/O=certtrust tests/CN=*.co.uk" v3_public_suffix 0x2A2A inter \
	public-suffix.pem
openssl x509 -in leaf.pem -outform DER -out leaf.der

cat leaf.pem inter.pem ca.pem >chain.pem
cat ca.pem leaf.pem inter.pem >chain-shuffled.pem
cat leaf.pem inter.pem >leaf-inter.pem
openssl crl2pkcs7 -nocrl -certfile chain.pem -outform DER -out chain.p7b
openssl crl2pkcs7 -nocrl -certfile chain.pem -outform PEM -out chain-p7.pem

# PKCS#7 in BER with indefinite lengths, as some Windows and Java tools write .p7b files:
# the same chain rewritten around DER certificates, and openssl's own streaming output
# (a signed message with the leaf and the intermediate, BER from openssl itself)
python3 "$der_to_ber" chain.p7b chain-ber.p7b
{
	echo '-----BEGIN PKCS7-----'
	base64 -w 64 chain-ber.p7b
	echo '-----END PKCS7-----'
} >chain-ber-p7.pem
printf 'certtrust\n' >message.txt
openssl cms -sign -stream -nodetach -binary -outform DER -in message.txt -signer leaf.pem \
	-inkey leaf.key -certfile inter.pem -out cms-stream.p7s
rm -f message.txt

# the other kinds of server certificate
rsa_key tomcat.key
self_signed tomcat.key "/C=US/O=Cisco/OU=VTG/CN=ucm.example.com" v3_tomcat 0x7A0C0A7001 tomcat.pem
openssl x509 -in tomcat.pem -outform DER -out tomcat.der
rsa_key idn.key
self_signed idn.key "/CN=xn--bcher-kva.example" v3_idn 0x1D0 idn.pem
rsa_key ca-leaf.key
self_signed ca-leaf.key "/CN=ucm.example.com" v3_ca_leaf 0x0CA1EAF0 ca-leaf.pem
# no -extfile: openssl writes a version 1 certificate
rsa_key v1.key
openssl req -new -sha256 -key v1.key -subj "/CN=ucm.example.com" -out v1.csr
openssl x509 -req -sha256 -in v1.csr -signkey v1.key -set_serial 0x0F1 -days "$days" \
	-out v1.pem 2>/dev/null
rm -f v1.csr
rsa_key cn-only.key
self_signed cn-only.key "/CN=ucm.example.com" v3_cn_only 0xC0 cn-only.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
chmod 600 ec.key
self_signed ec.key "/CN=ucm.example.com" v3_ec 0xEC ec.pem
self_signed ec.key "/CN=*.example.com" v3_wildcard 0x2A wildcard.pem

# the same leaf with other line endings; .cer as Windows' export wizard writes it
sed 's/$/\r/' leaf.pem >leaf-crlf.pem
tr '\n' '\r' <leaf.pem >leaf-cr.pem
{
	printf -- '-----BEGIN CERTIFICATE-----\r\n'
	base64 -w 64 leaf.der | sed 's/$/\r/'
	printf -- '-----END CERTIFICATE-----\r\n'
} >leaf-windows.cer

# a subject made to attack a terminal: ESC sequences, a CR, and a value of 10 000 'A'
# after an ESC sequence, so the sequence shows however a long name is cut (an
# unregistered attribute type has no length limit)
esc=$'\e'
cr=$'\r'
long="${esc}[31m$(printf 'A%.0s' $(seq 10000))"
rsa_key hostile.key
self_signed hostile.key "/CN=evil${esc}[31mred${esc}[0m/O=over${cr}written/ctLongValue=${long}" \
	v3_hostile 0xBAD hostile.pem

# inputs that must be refused
: >empty.der
head -c $(($(stat -c %s leaf.der) / 2)) leaf.der >truncated.der
sed '3s/^\(.\{10\}\).\{6\}/\1!!!!!!/' leaf.pem >broken-base64.pem
openssl crl2pkcs7 -nocrl -outform DER -out empty.p7b </dev/null
{
	sed '$d' leaf.pem
	echo '-----END PKCS7-----'
} >mismatched-end.pem
# BER all the way down: the certificates too, which are signed as DER
python3 "$der_to_ber" --depth 99 chain.p7b chain-ber-certificates.p7b
# a PKCS#7 of another type: an encrypted message holds no certificates
printf 'certtrust\n' | openssl cms -encrypt -aes256 -outform DER -out enveloped.p7m leaf.pem

# a quick self-check so a broken toolchain fails the build, not the tests
openssl verify -CAfile ca.pem -untrusted inter.pem leaf.pem >/dev/null
if [ "$(openssl x509 -in hostile.pem -noout -subject | tr -cd A | wc -c)" -lt 10000 ]; then
	echo "hostile.pem lacks its long subject value" >&2
	exit 1
fi
if openssl x509 -inform DER -in truncated.der -noout 2>/dev/null; then
	echo "truncated.der parses" >&2
	exit 1
fi
if [ -n "$(openssl pkcs7 -inform DER -in empty.p7b -print_certs)" ]; then
	echo "empty.p7b has certificates" >&2
	exit 1
fi
# the BER files really are BER (indefinite lengths) and openssl reads them
for f in chain-ber.p7b cms-stream.p7s; do
	if [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" != 3080 ]; then
		echo "$f does not start with an indefinite-length SEQUENCE" >&2
		exit 1
	fi
done
if [ "$(openssl pkcs7 -inform DER -in chain-ber.p7b -print_certs | grep -c '^subject=')" != 3 ]; then
	echo "openssl does not read chain-ber.p7b" >&2
	exit 1
fi

touch pki.stamp
