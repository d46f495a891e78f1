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
    ],
    dependencies: [
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
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
            name: "UrbanRobot",
            dependencies: [
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables

        // MARK: Tests

        .testTarget(
            name: "CGit2Tests",
            dependencies: ["CGit2"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UrbanRobotTests",
            dependencies: ["UrbanRobot"],
            swiftSettings: swiftSettings
        ),
    ]
)
