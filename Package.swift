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

        // What the method stands on: images in memory and their reduction, paired image
        // sources, the error type, SHA-256, parallel loops, seeded randomness.
        .target(name: "FineXLSupport"),
        // The method of the paper (Eqs. 5–11) and its statistics, nothing else.
        .target(name: "FineXLCore", dependencies: ["FineXLSupport"]),
        // Image decoding/encoding and paired image folders.
        .target(name: "FineXLImage", dependencies: ["FineXLSupport", "CPNG", "CJPEG"]),
        // The embedded, training-free descriptor encoder and the synthetic models.
        .target(name: "FineXLDescriptor", dependencies: ["FineXLSupport", "FineXLCore", "FineXLImage"]),
        // CLIP image and text towers loaded from a transformers model folder.
        .target(name: "FineXLCLIP", dependencies: ["FineXLSupport", "FineXLCore", "FineXLImage", "CBLAS"]),
        // Concept sources: VLM proposer, built-in vocabulary, explicit lists.
        .target(name: "FineXLConcepts", dependencies: ["FineXLSupport", "FineXLCore", "FineXLImage"]),
        // Charts drawn by the project: antialiased raster, FreeType text, PNG out.
        .target(name: "FineXLCharts", dependencies: ["FineXLSupport", "FineXLImage", "CFreeType"]),
        // Hugging Face model ids: the shared hub cache, downloads from the hub's resolve URLs.
        .target(name: "FineXLHub", dependencies: ["FineXLSupport"]),
        // Glue shared by the command line and the notebooks: encoders, embedding runs, caches.
        .target(name: "FineXLPipeline", dependencies: [
            "FineXLSupport", "FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLCLIP", "FineXLConcepts", "FineXLHub",
        ]),
        // Notebooks (cmark + YAML), HTML reports (mustache), charts (FreeType + PNG).
        .target(name: "FineXLNotebook", dependencies: [
            "FineXLSupport", "FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLConcepts", "FineXLPipeline", "FineXLCharts", "FineXLHub", "CCmark",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // The real-picture benchmark: photo crops edited by common tools' methods, explained as users run it.
        .target(name: "FineXLBench", dependencies: ["FineXLSupport", "FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLCLIP", "FineXLPipeline"]),
        .executableTarget(name: "finexl", dependencies: [
            "FineXLSupport", "FineXLCore", "FineXLImage", "FineXLDescriptor", "FineXLCLIP", "FineXLConcepts",
            "FineXLPipeline", "FineXLNotebook", "FineXLBench",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // libFuzzer target for the notebook parser (Fuzz/notebook/run.sh builds it with the
        // fuzzer; a plain build is a replayer of the seed corpus).
        .executableTarget(name: "finexl-fuzz-notebook", dependencies: [
            "FineXLNotebook", .product(name: "Yams", package: "Yams"),
        ], path: "Fuzz/notebook", exclude: ["corpus", "run.sh"]),

        // What several test targets share: XCTest helpers for FineXL's errors.
        .target(name: "FineXLTestSupport", dependencies: ["FineXLSupport"], path: "Tests/FineXLTestSupport"),
        .testTarget(name: "FineXLSupportTests", dependencies: ["FineXLSupport"]),
        .testTarget(name: "FineXLCoreTests", dependencies: ["FineXLCore", "FineXLSupport"]),
        .testTarget(name: "FineXLImageTests", dependencies: ["FineXLImage", "FineXLSupport", "FineXLTestSupport"]),
        .testTarget(name: "FineXLChartsTests", dependencies: ["FineXLSupport", "FineXLCharts", "FineXLImage", "FineXLTestSupport"]),
        .testTarget(name: "FineXLDescriptorTests", dependencies: ["FineXLSupport", "FineXLDescriptor", "FineXLImage"]),
        .testTarget(name: "FineXLCLIPTests", dependencies: ["FineXLSupport", "FineXLCLIP", "FineXLImage", "FineXLTestSupport"]),
        .testTarget(name: "FineXLConceptsTests", dependencies: ["FineXLSupport", "FineXLConcepts", "FineXLImage", "FineXLTestSupport"]),
        .testTarget(name: "FineXLHubTests", dependencies: ["FineXLSupport", "FineXLHub", "FineXLTestSupport"]),
        // Also runs the built `finexl` (sharded embedding across processes).
        .testTarget(name: "FineXLPipelineTests", dependencies: ["FineXLSupport", "FineXLPipeline", "FineXLImage", "finexl"]),
        .testTarget(name: "FineXLBenchTests", dependencies: ["FineXLSupport", "FineXLBench", "FineXLCore", "FineXLImage", "FineXLDescriptor"]),
        // The command line itself: runs the built `finexl` as a subprocess.
        .testTarget(name: "FineXLCLITests", dependencies: ["finexl"]),
        .testTarget(name: "FineXLNotebookTests", dependencies: [
            "FineXLSupport", "FineXLNotebook", "FineXLCharts", "FineXLImage", "FineXLPipeline", "FineXLDescriptor", "FineXLTestSupport",
        ]),
    ]
)
