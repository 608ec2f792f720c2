// swift-tools-version:6.0
import PackageDescription

// Seams (see docs/architecture.md): only GitSource imports CLibgit2; Planning is pure;
// EmbeddedWorkspace (and later the Azure provider) sit behind the Workspaces protocol and never
// import each other; the executable is one file over MLGitOpsCommands.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "mlgitops",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mlgitops", targets: ["mlgitops"]),
        .library(name: "MLGitOpsCommands", targets: ["MLGitOpsCommands"]),
        .executable(name: "mlgitops-fake-arm", targets: ["mlgitops-fake-arm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Yams 5 decodes about twice as fast as Yams 6 on Linux (docs/performance.md).
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // HTTP lives only in the Azure provider and the fake ARM server (their own targets).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // RSA signatures of certificate credentials (client assertions) in the Azure provider.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .target(name: "GitSource", dependencies: ["CLibgit2"], swiftSettings: strict),
        .target(
            name: "Manifests",
            dependencies: ["GitSource", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        .target(
            name: "Policies", dependencies: ["Manifests"],
            resources: [.copy("Data")], swiftSettings: strict),
        .target(name: "Workspaces", dependencies: ["Manifests"], swiftSettings: strict),
        .target(
            name: "EmbeddedWorkspace",
            dependencies: ["Workspaces", "Manifests", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // Runs what the local workspace was given: jobs, pipelines, parallel steps, local
        // environment builds and schedules, as child processes on this machine.
        .target(
            name: "LocalRunner",
            dependencies: [
                "EmbeddedWorkspace", "Workspaces", "Manifests", "Policies",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")], swiftSettings: strict),
        // The Azure ML provider: ARM REST over AsyncHTTPClient, tokens without Azure SDKs.
        .target(
            name: "AzureMLWorkspace",
            dependencies: [
                "Workspaces", "Manifests",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // An in-memory emulator of the ARM surface the provider uses (docs/fake-arm.md).
        .target(
            name: "FakeARM",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "mlgitops-fake-arm",
            dependencies: ["FakeARM", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .target(
            name: "Planning", dependencies: ["Manifests", "Policies", "Workspaces"],
            swiftSettings: strict),
        .target(
            name: "Reconciliation",
            dependencies: [
                "Planning", "Workspaces", "GitSource", "Manifests",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        // The sync loop: follows a branch, plans what changed, checks drift, applies. No HTTP.
        .target(
            name: "Controller",
            dependencies: [
                "GitSource", "Manifests", "Planning", "Workspaces", "Reconciliation",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Webhooks, /healthz and /metrics over the controller (Hummingbird: its own target so
        // the core builds without swift-nio).
        .target(
            name: "Server",
            dependencies: [
                "Controller", "Manifests",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "Rendering", dependencies: ["Planning", "Reconciliation", "Manifests", "Workspaces"],
            swiftSettings: strict),
        .target(
            name: "MLGitOpsCommands",
            dependencies: [
                "GitSource", "Manifests", "Policies", "Workspaces", "EmbeddedWorkspace", "AzureMLWorkspace", "LocalRunner",
                "Planning", "Reconciliation", "Rendering", "Controller", "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "mlgitops", dependencies: ["MLGitOpsCommands"], swiftSettings: strict),
        // The floors of benchmarks/ (reading and parsing alone); not part of the product.
        .executableTarget(
            name: "mlgitops-bench",
            dependencies: ["GitSource", .product(name: "Yams", package: "Yams")],
            path: "benchmarks/Sources/mlgitops-bench", swiftSettings: strict),

        .target(name: "TestSupport", dependencies: ["GitSource"], path: "Tests/TestSupport"),
        .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "TestSupport"]),
        .testTarget(
            name: "ManifestsTests",
            dependencies: ["Manifests", "GitSource", "TestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "PlanningTests",
            dependencies: ["Planning", "Manifests", "Policies", "Workspaces", "GitSource", "TestSupport"]),
        .testTarget(
            name: "EmbeddedWorkspaceTests",
            dependencies: ["EmbeddedWorkspace", "Workspaces", "Manifests", "TestSupport"]),
        .testTarget(
            name: "ReconciliationTests",
            dependencies: [
                "Reconciliation", "EmbeddedWorkspace", "Planning", "Manifests", "Policies", "GitSource", "Rendering",
                "TestSupport",
            ]),
        .testTarget(
            name: "LocalRunnerTests",
            dependencies: ["LocalRunner", "EmbeddedWorkspace", "Workspaces", "Manifests", "Policies", "TestSupport"]),
        .testTarget(
            name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "Controller", "Server", "Reconciliation", "EmbeddedWorkspace", "Planning", "Manifests", "GitSource",
                "TestSupport",
            ]),
        .testTarget(
            name: "AzureMLWorkspaceTests",
            dependencies: [
                "AzureMLWorkspace", "FakeARM", "Workspaces", "Manifests", "GitSource", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]),
    ]
)
