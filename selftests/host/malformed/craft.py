#!/usr/bin/env python3
"""craft.py - make the crafted fixtures of this directory (run once; the results are committed).

Each crafted fixture is a valid object (base.c compiled as ../run.sh compiles the cases,
with -fno-toplevel-reorder so 'other' follows 'calc') as OLD, and a copy with one field
of its ELF headers, symbols or relocations changed as NEW, so that it breaks exactly one
geometry check of patchgen/elfcheck.c (or, for addend-wraps, none: a legal addend whose
arithmetic overflows int64_t). The reproducers from fuzzing (the other folders) were
made by hand and are not rebuilt here.
"""
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CFLAGS = ['-O2', '-mfentry', '-pg', '-mrecord-mcount', '-mcmodel=kernel', '-fno-PIE',
          '-fno-pic', '-mno-red-zone', '-fno-asynchronous-unwind-tables',
          '-fno-stack-protector', '-ffreestanding', '-fno-common', '-w',
          '-fno-toplevel-reorder']


class Obj:
    """Just enough of an ELF64 relocatable object to change one field."""

    def __init__(self, data):
        self.d = bytearray(data)
        self.shoff = struct.unpack_from('<Q', self.d, 0x28)[0]
        self.shnum, self.shstrndx = struct.unpack_from('<HH', self.d, 0x3c)

    def shdr(self, i):	# name type flags addr offset size link info align entsize
        return list(struct.unpack_from('<IIQQQQIIQQ', self.d, self.shoff + i * 64))

    def set_shdr(self, name, field, value):
        h = self.shdr(self.sec(name))
        h[field] = value
        struct.pack_into('<IIQQQQIIQQ', self.d, self.shoff + self.sec(name) * 64, *h)

    def cstr(self, off):
        return self.d[off:self.d.index(0, off)].decode()

    def sec(self, name):
        for i in range(1, self.shnum):
            if self.cstr(self.shdr(self.shstrndx)[4] + self.shdr(i)[0]) == name:
                return i
        raise KeyError(name)

    def sym(self, name):	# (index, file offset) of the symbol NAME
        st = self.shdr(self.sec('.symtab'))
        for i, off in enumerate(range(st[4], st[4] + st[5], 24)):
            if self.cstr(self.strtab() + struct.unpack_from('<I', self.d, off)[0]) == name:
                return i, off
        raise KeyError(name)

    def strtab(self):
        return self.shdr(self.shdr(self.sec('.symtab'))[6])[4]

    def rela_to(self, sec, name):	# file offset of the first relocation of SEC against NAME
        h = self.shdr(self.sec('.rela' + sec))
        for off in range(h[4], h[4] + h[5], 24):
            if struct.unpack_from('<Q', self.d, off + 8)[0] >> 32 == self.sym(name)[0]:
                return off
        raise KeyError(name)


def crafted(o):
    """NAME -> (change to O, expected stderr text or None for a valid object, what it is)."""
    calc, other = o.sym('calc')[1], o.sym('other')[1]
    call = o.rela_to('.text', 'other')
    return {
        'sym-name-past-strtab': (
            lambda: struct.pack_into('<I', o.d, calc, 0xfff0),
            'name outside the string table', "st_name of 'calc' is past the end of .strtab"),
        'sym-name-newline': (
            lambda: o.d.__setitem__(o.strtab() + struct.unpack_from('<I', o.d, other)[0] + 2, 10),
            'name with control characters', "'other' renamed 'ot\\ner': a name must be one line"),
        'sym-shndx-past-sections': (
            lambda: struct.pack_into('<H', o.d, other + 6, 0x50),
            "symbol 'other': section index 80 is past", "st_shndx of 'other' is 0x50"),
        'symtab-info-past-symbols': (
            lambda: o.set_shdr('.symtab', 7, 1000),
            'first global symbol 1000 is past', '.symtab sh_info (first global symbol) is 1000'),
        'symtab-link-not-strtab': (
            lambda: o.set_shdr('.symtab', 6, o.sec('.text')),
            'is not a string table', '.symtab sh_link names .text'),
        'rela-info-past-sections': (
            lambda: o.set_shdr('.rela.text', 7, 0x40),
            'applies to section 64, which does not exist', '.rela.text sh_info is 0x40'),
        'rela-info-nobits': (
            lambda: o.set_shdr('.rela.text', 7, o.sec('.bss')),
            'applies to .bss, which has no contents', '.rela.text applies to .bss'),
        'rela-two-tables': (
            lambda: o.set_shdr('.rela__mcount_loc', 7, o.sec('.text')),
            'section .text has two relocation sections', '.rela__mcount_loc applies to .text too'),
        'rela-offset-past-section': (
            lambda: struct.pack_into('<Q', o.d, call, 0x1000),
            'lies outside its section', "the call to 'other' moved to r_offset 0x1000 of .text"),
        'rela-sym-past-symtab': (
            lambda: struct.pack_into('<I', o.d, call + 12, 99),
            'refers to symbol 99, past', "the call to 'other' refers to symbol 99"),
        'addend-wraps': (
            lambda: struct.pack_into('<q', o.d, call + 16, 2**63 - 1),
            None, "valid: the call to 'other' has addend INT64_MAX, so S + A overflows "
            "int64_t; patchgen must compute it modulo 2^64, as the linker does (no UBSan report)"),
    }


def main():
    os.chdir(HERE)
    subprocess.run(['gcc'] + CFLAGS + ['-c', 'base.c', '-o', '/tmp/klive-craft-base.o'], check=True)
    base = open('/tmp/klive-craft-base.o', 'rb').read()
    nm = subprocess.run(['nm', '/tmp/klive-craft-base.o'], check=True, capture_output=True,
                        text=True).stdout
    sysmap = ''.join('ffffffff81%06x t filler_%d\n' % (i, i) for i in range(1, 121))
    sysmap += ''.join(l + '\n' for l in nm.splitlines() if len(l.split()) == 3)
    for name, (change, expect, what) in crafted(Obj(base)).items():
        o = Obj(base)
        crafted(o)[name][0]()
        os.makedirs(name, exist_ok=True)
        open(f'{name}/old.o', 'wb').write(base)
        open(f'{name}/new.o', 'wb').write(o.d)
        open(f'{name}/System.map', 'w').write(sysmap)
        open(f'{name}/DESCRIPTION', 'w').write(f'crafted by craft.py from base.c: {what}\n')
        open(f'{name}/expect', 'w').write(
            f'!{expect}\n' if expect else '+changed calc\n+klive other sympos 0\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
