#!/bin/sh
# Builds libpng and libjpeg-turbo's TurboJPEG with ASan and libFuzzer's coverage counters, as static
# libraries with pkg-config files, so that `make fuzz-build` links the fuzz targets against them
# instead of the system's uninstrumented copies (docs/HARDENING.md). Nothing of them is committed:
# the sources are Debian's orig tarballs of the versions bookworm ships (the ones the library is
# tested with), downloaded here and checked against pinned SHA-256 digests.
#
#   tools/build_fuzz_deps.sh PREFIX CC
#
# PREFIX receives include/, lib/ and lib/pkgconfig/ (libpng.pc, libturbojpeg.pc); CC is the Swift
# toolchain's clang (its compiler-rt has the fuzzer). Needs curl, tar and cmake. zlib stays the system's.
set -eu

prefix=$1
cc=$2
mirror=${DSCFLOW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
png_version=1.6.39
png_tarball=libpng1.6_$png_version.orig.tar.gz
png_sha256=a00e9d2f2f664186e4202db9299397f851aea71b36a35e74910b8820e380d441
jpeg_version=2.1.5
jpeg_tarball=libjpeg-turbo_$jpeg_version.orig.tar.gz
jpeg_sha256=254f3642b04e309fee775123133c6464181addc150499561020312ec61c1bf7c
cflags="-O1 -g -fPIC -fsanitize=address,fuzzer-no-link"

for tool in curl tar cmake; do
    command -v "$tool" >/dev/null 2>&1 || { echo "build_fuzz_deps: $tool is not installed" >&2; exit 1; }
done

mkdir -p "$prefix/src" "$prefix/include" "$prefix/lib/pkgconfig"
prefix=$(cd "$prefix" && pwd)
cd "$prefix/src"

# fetch TARBALL URL SHA256
fetch() {
    if [ ! -f "$1" ]; then
        curl -sSfL --retry 3 -o "$1.part" "$2" || { echo "build_fuzz_deps: cannot download $2" >&2; exit 1; }
        mv "$1.part" "$1"
    fi
    got=$(sha256sum "$1" | cut -d' ' -f1)
    if [ "$got" != "$3" ]; then
        echo "build_fuzz_deps: $1 has SHA-256 $got, expected $3" >&2
        rm -f "$1"
        exit 1
    fi
}

fetch "$png_tarball" "$mirror/pool/main/libp/libpng1.6/$png_tarball" "$png_sha256"
fetch "$jpeg_tarball" "$mirror/pool/main/libj/libjpeg-turbo/$jpeg_tarball" "$jpeg_sha256"

# libpng: its library sources compiled directly, with the distributed default configuration
# (scripts/pnglibconf.h.prebuilt: no hardware-specific filters, so all of it is C and instrumented).
rm -rf "libpng-$png_version" png-build
tar xzf "$png_tarball"
mkdir png-build
cp "libpng-$png_version/scripts/pnglibconf.h.prebuilt" png-build/pnglibconf.h
for f in png pngerror pngget pngmem pngpread pngread pngrio pngrtran pngrutil pngset pngtrans pngwio pngwrite \
         pngwtran pngwutil; do
    "$cc" $cflags -I png-build -c "libpng-$png_version/$f.c" -o "png-build/$f.o"
done
rm -f "$prefix/lib/libpng16.a"
ar rcs "$prefix/lib/libpng16.a" png-build/*.o
mkdir -p "$prefix/include/libpng16"
cp "libpng-$png_version/png.h" "libpng-$png_version/pngconf.h" png-build/pnglibconf.h "$prefix/include/libpng16/"
cat > "$prefix/lib/pkgconfig/libpng.pc" <<EOF
Name: libpng
Description: libpng $png_version built with ASan and libFuzzer coverage (tools/build_fuzz_deps.sh)
Version: $png_version
Libs: -L$prefix/lib -lpng16 -lz -lm
Cflags: -I$prefix/include/libpng16
EOF

# libjpeg-turbo: the static TurboJPEG library without its SIMD (assembly would not be instrumented).
rm -rf "libjpeg-turbo-$jpeg_version" jpeg-build
tar xzf "$jpeg_tarball"
cmake -S "libjpeg-turbo-$jpeg_version" -B jpeg-build -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" \
    -DCMAKE_BUILD_TYPE=None -DENABLE_SHARED=0 -DENABLE_STATIC=1 -DWITH_SIMD=0 -DWITH_TURBOJPEG=1 \
    -DCMAKE_POSITION_INDEPENDENT_CODE=1 >jpeg-build.log 2>&1 || { cat jpeg-build.log >&2; exit 1; }
cmake --build jpeg-build --target turbojpeg-static -j 2 >>jpeg-build.log 2>&1 || { tail -30 jpeg-build.log >&2; exit 1; }
cp jpeg-build/libturbojpeg.a "$prefix/lib/libturbojpeg.a"
cp "libjpeg-turbo-$jpeg_version/turbojpeg.h" "$prefix/include/"
cat > "$prefix/lib/pkgconfig/libturbojpeg.pc" <<EOF
Name: libturbojpeg
Description: TurboJPEG $jpeg_version without SIMD, built with ASan and libFuzzer coverage (tools/build_fuzz_deps.sh)
Version: $jpeg_version
Libs: -L$prefix/lib -lturbojpeg
Cflags: -I$prefix/include
EOF
echo "build_fuzz_deps: libpng $png_version and TurboJPEG $jpeg_version (ASan + coverage) in $prefix"
