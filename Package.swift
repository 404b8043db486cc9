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
        .library(name: "DSCFlow", targets: ["DSCFlow"]),
        .executable(name: "dscflow", targets: ["DSCFlowCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Thin C shims for what Swift cannot spell portably (clock, stdio without Glibc, SIMD intrinsics).
        .target(name: "CDSCFlowSupport"),
        // SIMD microkernels of the fast path (portable, AVX2, AVX-512 VNNI builds of one source,
        // chosen at run time). Optimised even in debug builds; -fwrapv: int32 sums wrap as in Swift.
        .target(
            name: "CDSCFlowSIMD",
            exclude: ["kernels.inc"],
            cSettings: [.unsafeFlags(["-O3", "-fwrapv", "-Wno-psabi"])]
        ),
        .target(
            name: "DSCFlow",
            dependencies: ["CDSCFlowSupport", "CDSCFlowSIMD"],
            swiftSettings: leanLibrary
        ),
        .executableTarget(
            name: "DSCFlowCLI",
            dependencies: [
                "DSCFlow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test-only: counts heap allocations (interposes malloc) to prove `Session.run` allocates nothing.
        .target(name: "CDSCFlowTestSupport", path: "Tests/CDSCFlowTestSupport"),
        .testTarget(
            name: "DSCFlowTests",
            dependencies: ["DSCFlow", "CDSCFlowTestSupport"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
