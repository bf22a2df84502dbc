// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "FineXL",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "finexl", targets: ["finexl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries, each wrapped by exactly one Swift file.
        .systemLibrary(name: "CCmark", path: "Sources/CCmark", pkgConfig: "libcmark",
                       providers: [.apt(["libcmark-dev"])]),
        .target(name: "CPNG", path: "Sources/CPNG", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("deflate")]),
        .target(name: "CJPEG", path: "Sources/CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .systemLibrary(name: "CFreeType", path: "Sources/CFreeType", pkgConfig: "freetype2",
                       providers: [.apt(["libfreetype-dev"])]),
        .target(name: "CBLAS", path: "Sources/CBLAS", linkerSettings: [.linkedLibrary("dl")]),

        // The method of the paper, dependency-free.
        .target(name: "FineXLCore"),
        // Image decoding/encoding and paired image folders.
        .target(name: "FineXLImage", dependencies: ["FineXLCore", "CPNG", "CJPEG"]),
        // The embedded, training-free descriptor encoder and the synthetic models.
        .target(name: "FineXLDescriptor", dependencies: ["FineXLCore", "FineXLImage"]),
        // CLIP image and text towers loaded from a transformers model folder.
        .target(name: "FineXLCLIP", dependencies: ["FineXLCore", "FineXLImage", "CBLAS"]),
        // Concept sources: VLM proposer, built-in vocabulary, explicit lists.
        .target(name: "FineXLConcepts", dependencies: ["FineXLCore", "FineXLImage"]),
        // Charts drawn by the project: antialiased raster, FreeType text, PNG out.
        .target(name: "FineXLCharts", dependencies: ["FineXLImage", "CFreeType"]),
        // Glue shared by the command line and the notebooks: encoders, embedding runs, caches.
        .target(name: "FineXLPipeline", dependencies: [
            "FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLCLIP", "FineXLConcepts",
        ]),
        // Notebooks (cmark + YAML), HTML reports (mustache), charts (FreeType + PNG).
        .target(name: "FineXLNotebook", dependencies: [
            "FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLConcepts", "FineXLPipeline", "FineXLCharts", "CCmark",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // The real-picture benchmark: photo crops edited by common tools' methods, explained as users run it.
        .target(name: "FineXLBench", dependencies: ["FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLPipeline"]),
        .executableTarget(name: "finexl", dependencies: [
            "FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLCLIP", "FineXLConcepts",
            "FineXLPipeline", "FineXLNotebook", "FineXLBench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // What several test targets share: XCTest helpers for FineXL's errors.
        .target(name: "FineXLTestSupport", dependencies: ["FineXLCore"], path: "Tests/FineXLTestSupport"),
        .testTarget(name: "FineXLCoreTests", dependencies: ["FineXLCore"]),
        .testTarget(name: "FineXLImageTests", dependencies: ["FineXLImage", "FineXLTestSupport"]),
        .testTarget(name: "FineXLChartsTests", dependencies: ["FineXLCharts", "FineXLImage", "FineXLTestSupport"]),
        .testTarget(name: "FineXLDescriptorTests", dependencies: ["FineXLDescriptor", "FineXLImage"]),
        .testTarget(name: "FineXLCLIPTests", dependencies: ["FineXLCLIP", "FineXLImage", "FineXLTestSupport"]),
        .testTarget(name: "FineXLConceptsTests", dependencies: ["FineXLConcepts", "FineXLImage", "FineXLTestSupport"]),
        .testTarget(name: "FineXLPipelineTests", dependencies: ["FineXLPipeline", "FineXLImage"]),
        .testTarget(name: "FineXLBenchTests", dependencies: ["FineXLBench", "FineXLCore", "FineXLImage"]),
        .testTarget(name: "FineXLNotebookTests", dependencies: [
            "FineXLNotebook", "FineXLCharts", "FineXLImage", "FineXLPipeline", "FineXLDescriptor", "FineXLTestSupport",
        ]),
    ]
)
