# klive - top-level build. `make demo` and `make check` are the README's commands.
KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all patchgen core cli install dkms-src demo check bench stress clean

all: patchgen core cli

patchgen:
	$(MAKE) -C patchgen

core:
	$(MAKE) -C core KDIR=$(KDIR)

cli:
	$(MAKE) -C cli

# make install [DESTDIR=...] [PREFIX=/usr/local] [KDIR=...]: patchgen and
# klive into PREFIX, klive.ko for KDIR's release into /lib/modules (with
# depmod, where patchgen and `klive load` find it), man pages, klive.service.
PREFIX ?= /usr/local
RELEASE = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)
VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
install: all
	install -D -m755 patchgen/patchgen $(DESTDIR)$(PREFIX)/bin/patchgen
	install -D -m755 cli/klive $(DESTDIR)$(PREFIX)/sbin/klive
	install -D -m644 patchgen/patchgen.1 $(DESTDIR)$(PREFIX)/share/man/man1/patchgen.1
	install -D -m644 cli/klive.8 $(DESTDIR)$(PREFIX)/share/man/man8/klive.8
	install -D -m644 include/klive_shadow.h $(DESTDIR)$(PREFIX)/include/klive/klive_shadow.h
	install -D -m644 include/klive_callbacks.h $(DESTDIR)$(PREFIX)/include/klive/klive_callbacks.h
	install -D -m644 include/klive.h $(DESTDIR)$(PREFIX)/include/klive/klive.h
	install -D -m644 include/klive_state.h $(DESTDIR)$(PREFIX)/include/klive/klive_state.h
	install -D -m644 include/klive_livepatch.h $(DESTDIR)$(PREFIX)/include/klive/klive_livepatch.h
	install -D -m644 include/klp/linux/livepatch.h $(DESTDIR)$(PREFIX)/include/klive/klp/linux/livepatch.h
	install -D -m644 core/klive.ko $(DESTDIR)/lib/modules/$(RELEASE)/updates/klive.ko
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(RELEASE)
	mkdir -p $(DESTDIR)/lib/systemd/system $(DESTDIR)/var/lib/klive/patches
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' cli/klive.service.in > $(DESTDIR)/lib/systemd/system/klive.service

# The DKMS source tree: then dkms add/build/install klive/$(VERSION).
dkms-src:
	rm -rf $(DESTDIR)/usr/src/klive-$(VERSION)
	mkdir -p $(DESTDIR)/usr/src/klive-$(VERSION)/core $(DESTDIR)/usr/src/klive-$(VERSION)/include
	cp dkms.conf $(DESTDIR)/usr/src/klive-$(VERSION)/
	cp core/Makefile core/Kbuild core/*.c core/*.h $(DESTDIR)/usr/src/klive-$(VERSION)/core/
	cp include/*.h $(DESTDIR)/usr/src/klive-$(VERSION)/include/

# Boots Debian's stock 6.1 in a VM and patches /proc/cmdline live.
demo:
	bash scripts/install-deps.sh
	bash samples/demo.sh

# Host tests, then the VM tests on every test kernel; last line: N passed, N failed.
check:
	bash scripts/install-deps.sh
	bash selftests/run.sh

# Figures, not assertions: transition times against the kernel's own
# livepatch, CPU pauses, patchgen's speed on large objects.
bench:
	bash scripts/install-deps.sh
	bash selftests/bench/run.sh

# STRESS_CYCLES (default 1000) patch/unpatch cycles under load, per kernel
# and CPU model, with the figures; make check runs 20 as part of the suite.
stress:
	bash scripts/install-deps.sh
	bash selftests/stress.sh

# libFuzzer over patchgen's ELF reading and analysis (the --list stages) for
# FUZZ_SECONDS; the host tests run it for a minute. Crashes: build/fuzz/crashes.
FUZZ_SECONDS ?= 600
.PHONY: fuzz
fuzz:
	bash scripts/install-deps.sh
	bash selftests/host/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	$(MAKE) -C patchgen clean
	$(MAKE) -C cli clean
	$(MAKE) -C core KDIR=$(KDIR) clean || true
	rm -rf build
