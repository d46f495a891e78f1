// swift-tools-version:6.2
// urban-robot: a version deployment and rollback manager for bot fleets.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "urban-robot",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Supervisor", targets: ["Supervisor"]),
    ],
    dependencies: [
    ],
    targets: [
        // MARK: System libraries

        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),

        // MARK: Libraries

        .target(
            name: "CSupervisorShims",
            path: "Sources/CSupervisorShims"
        ),
        .target(
            name: "Supervisor",
            dependencies: ["CSupervisorShims"],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables

        .executableTarget(
            name: "SupervisorBenchmark",
            dependencies: ["Supervisor"],
            path: "Benchmarks/SupervisorBenchmark",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests

        .testTarget(
            name: "CGit2Tests",
            dependencies: ["CGit2"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SupervisorTestDaemon",
            dependencies: ["Supervisor"],
            path: "Tests/SupervisorTestDaemon",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SupervisorTests",
            dependencies: ["Supervisor", "SupervisorTestDaemon"],
            swiftSettings: swiftSettings
        ),
    ]
)
