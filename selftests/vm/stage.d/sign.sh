# sign.sh - stage hook: signed klive.ko and a signed patch, on kernels built here with module signing.
#
# Sourced by stage.sh. Where the kernel tree has CONFIG_MODULE_SIG and its
# own signing key (nolp61), puts into $guest/signed klive.ko signed with
# scripts/sign-file and cmdline_fix.ko made by patchgen --sign-key
# --sign-cert; selftests/run.sh then boots that kernel with
# module.sig_enforce=1 for klive_sign.
# shellcheck shell=bash disable=SC2154 # stage.sh sets kid repo out kdir guest klive_dir
if grep -q '^CONFIG_MODULE_SIG=y' "$kdir/.config" && [ -r "$kdir/certs/signing_key.pem" ]; then
	sig_hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$kdir/.config")
	mkdir -p "$guest/signed"
	cp "$klive_dir/klive.ko" "$guest/signed/"
	"$kdir/scripts/sign-file" "${sig_hash:-sha256}" "$kdir/certs/signing_key.pem" \
		"$kdir/certs/signing_key.x509" "$guest/signed/klive.ko" || die "signing klive.ko failed"
	patchgen --system-map "$symlist" --sign-key "$kdir/certs/signing_key.pem" \
		--sign-cert "$kdir/certs/signing_key.x509" -o "$guest/signed/cmdline_fix.ko" \
		"$out/cmdline/old.o" "$out/cmdline/new.o"
	unset sig_hash
fi
