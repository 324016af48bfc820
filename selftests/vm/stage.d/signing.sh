# signing.sh - stage hook: klive.ko and the cmdline fix signed with the kernel tree's own key.
#
# Sourced by stage.sh, for kernels whose tree holds the key its image trusts
# (nolp61, built here; Debian's trees have only the public half). Puts into
# $guest/signed: klive.ko signed with sign-file, cmdline_fix.ko signed by
# patchgen --sign-key/--sign-cert, and unsigned/cmdline_fix.ko, the same fix
# unsigned. The tests run in a boot with module.sig_enforce=1 (run.sh).
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid out kdir guest klive_dir
if [ -r "$kdir/certs/signing_key.pem" ] && [ -r "$kdir/certs/signing_key.x509" ]; then
	signed=$guest/signed
	mkdir -p "$signed/unsigned"
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$kdir/.config")
	cp "$klive_dir/klive.ko" "$signed/klive.ko"
	echo "  SIGN    $kid klive.ko ($hash)"
	"$kdir/scripts/sign-file" "$hash" "$kdir/certs/signing_key.pem" \
		"$kdir/certs/signing_key.x509" "$signed/klive.ko"
	patchgen --system-map "$symlist" --sign-key "$kdir/certs/signing_key.pem" \
		--sign-cert "$kdir/certs/signing_key.x509" -o "$signed/cmdline_fix.ko" \
		"$out/cmdline/old.o" "$out/cmdline/new.o"
	cp "$out/cmdline_fix.ko" "$signed/unsigned/cmdline_fix.ko"
	unset signed hash
fi
