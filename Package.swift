// swift-tools-version:6.0
import PackageDescription

// The library target imports no Foundation (see STYLE: it costs ~60 MB of runtime).
let leanLibrary: [SwiftSetting] = [
    .unsafeFlags([
        "-Xfrontend", "-disable-implicit-concurrency-module-import",
        "-Xfrontend", "-disable-implicit-string-processing-module-import",
    ]),
]

let package = Package(
    name: "DSCFlow",
    products: [
        .library(name: "DSCFlow", targets: ["DSCFlow", "DSCFlowVision", "DSCFlowAccelerator"]),
        .executable(name: "dscflow", targets: ["DSCFlowCLI"]),
        // The C ABI. `make lib` stages it as libdscflow.so (this product's file is libDSCFlowC.so).
        .library(name: "DSCFlowC", type: .dynamic, targets: ["DSCFlowCAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Thin C shims for what Swift cannot spell portably (clock, stdio without Glibc, SIMD intrinsics).
        // -O2 even in debug builds: SHA-256 of every imported SkrSkr / iSmart3 / UltraNet file.
        .target(name: "CDSCFlowSupport", cSettings: [.unsafeFlags(["-O2"])]),
        // The system libpng (Debian: libpng-dev), used through its simplified png_image_* API.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // The system libjpeg-turbo (Debian: libturbojpeg0-dev), through its TurboJPEG API: the decoder
        // Pillow uses, with the same defaults (islow IDCT, fancy upsampling).
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // SIMD microkernels of the fast path, one file per kernel and ISA (portable, AVX2, AVX-VNNI,
        // AVX-512 VNNI), chosen at run time from `dscsimd_kernel_find`. Optimised even in debug builds;
        // -fwrapv: int32 sums wrap as in Swift.
        .target(
            name: "CDSCFlowSIMD",
            exclude: ["isa/README.md"],
            cSettings: [.unsafeFlags(["-O3", "-fwrapv", "-Wno-psabi"])]
        ),
        // The core: IR, importers, arithmetic, kernels, runtime. No Foundation, no libpng.
        .target(
            name: "DSCFlow",
            dependencies: ["CDSCFlowSupport", "CDSCFlowSIMD"],
            swiftSettings: leanLibrary
        ),
        // Vision: images (PNG, JPEG), preprocessing, detection and classification heads, over the core.
        .target(
            name: "DSCFlowVision",
            dependencies: ["DSCFlow", "CDSCFlowSupport", "CPNG", "CTurboJPEG"],
            swiftSettings: leanLibrary
        ),
        // The accelerator model: configurations and presets, emulator, cost model, reports, DSE, accelerator
        // programs (iSmart3) on the ap_fixed microkernels of CDSCFlowSIMD, over the core.
        .target(
            name: "DSCFlowAccelerator",
            dependencies: ["DSCFlow", "CDSCFlowSupport", "CDSCFlowSIMD"],
            swiftSettings: leanLibrary
        ),
        // include/dscflow.h as a Clang module, plus the C API's thread-local error buffer.
        .target(name: "CDSCFlowCAPI"),
        // The C ABI: `@c` functions over the Swift API, linked only into libdscflow.so. Its Swift runtime is
        // looked up in dscflow/ beside it (`make lib` and `make install` put it there and drop SwiftPM's $ORIGIN).
        .target(
            name: "DSCFlowCAPI",
            dependencies: ["DSCFlow", "DSCFlowVision", "CDSCFlowCAPI"],
            exclude: ["dscflow.map"],
            swiftSettings: leanLibrary + [.unsafeFlags(["-Xcc", "-DDSCFLOW_SWIFT_IMPLEMENTATION"])],
            linkerSettings: [
                .unsafeFlags([
                    "-no-toolchain-stdlib-rpath",
                    "-Xlinker", "-soname=libdscflow.so.0",
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/DSCFlowCAPI/dscflow.map",
                    "-Xlinker", "-rpath=$ORIGIN/dscflow",
                ]),
            ]
        ),
        .executableTarget(
            name: "DSCFlowCLI",
            dependencies: [
                "DSCFlow",
                "DSCFlowVision",
                "DSCFlowAccelerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test-only: counts heap allocations (interposes malloc) to prove `Session.run` allocates nothing.
        .target(name: "CDSCFlowTestSupport", path: "Tests/CDSCFlowTestSupport"),
        .testTarget(
            name: "DSCFlowTests",
            dependencies: ["DSCFlow", "DSCFlowVision", "DSCFlowAccelerator", "CDSCFlowSIMD", "CDSCFlowTestSupport"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
