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
        .library(name: "GitStore", targets: ["GitStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
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
            name: "GitStore",
            dependencies: [
                "CGit2",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables

        .executableTarget(
            name: "gitstore-benchmark",
            dependencies: ["GitStore"],
            path: "Benchmarks/GitStoreCheckout",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests

        .testTarget(
            name: "GitStoreTests",
            dependencies: ["GitStore"],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "CGit2Tests",
            dependencies: ["CGit2"],
            swiftSettings: swiftSettings
        ),
    ]
)
