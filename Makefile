# klive - top-level build. `make demo` and `make check` are the README's commands.
KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all patchgen core cli demo check bench stress clean

all: patchgen core cli

patchgen:
	$(MAKE) -C patchgen

core:
	$(MAKE) -C core KDIR=$(KDIR)

cli:
	$(MAKE) -C cli

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
# and CPU model, with the figures; make check runs 30 as part of the suite.
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
