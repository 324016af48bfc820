#!/bin/sh
# embed.sh NAME < FILE - print FILE as a C definition "const char NAME[]".
printf 'const char %s[] =\n' "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/'
printf ';\n'
