// swift-tools-version:6.0
// libFuzzer targets of DSCFlow (make fuzz; docs/HARDENING.md). A package of its own, over the root
// package, because a libFuzzer executable has no main of its own: it is built only with
// `swift build --sanitize=fuzzer` (plus address and undefined), never by the root package's builds.
import PackageDescription

// The root package's identity is the name of its directory (a path dependency).
let rootDirectory = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "DSCFlow"

// No main: libFuzzer's own calls LLVMFuzzerTestOneInput.
let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func target(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: rootDirectory) },
        path: "Sources/\(name)",
        swiftSettings: fuzzTarget
    )
}

let package = Package(
    name: "DSCFlowFuzz",
    dependencies: [.package(path: "../..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "DSCFlow", package: rootDirectory)],
                path: "Sources/FuzzSupport"),
        target("fuzz-tflite", ["DSCFlow"]),
        target("fuzz-dscm", ["DSCFlow"]),
        target("fuzz-skrskr", ["DSCFlow"]),
        target("fuzz-png", ["DSCFlow"]),
        target("fuzz-jpeg", ["DSCFlow"]),
        // The C API through dscflow.h, as a C program calls it (libdscflow.so's exports).
        .executableTarget(
            name: "fuzz-capi",
            dependencies: [.product(name: "DSCFlowC", package: rootDirectory)],
            path: "Sources/fuzz-capi",
            cSettings: [.unsafeFlags(["-I", Context.packageDirectory + "/../../include"])]
        ),

    ],
    swiftLanguageModes: [.v5]
)
