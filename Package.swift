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
        .library(name: "FleetTypes", targets: ["FleetTypes"]),
        .library(name: "Supervisor", targets: ["Supervisor"]),
        .library(name: "Deployer", targets: ["Deployer"]),
        .library(name: "SocketIO", targets: ["SocketIO"]),
        .library(name: "GitStore", targets: ["GitStore"]),
        .library(name: "DockerEngine", targets: ["DockerEngine"]),
        .library(name: "SwarmLauncher", targets: ["SwarmLauncher"]),
        .executable(name: "socketio-echo", targets: ["socketio-echo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: System libraries

        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "CSupervisorShims",
            path: "Sources/CSupervisorShims"
        ),

        // MARK: Libraries

        .target(
            name: "FleetTypes",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Supervisor",
            dependencies: ["CSupervisorShims", "FleetTypes"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SocketIO",
            dependencies: [
                "FleetTypes",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GitStore",
            dependencies: [
                "CGit2",
                "FleetTypes",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DockerEngine",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwarmLauncher",
            dependencies: ["DockerEngine", "Supervisor", "FleetTypes"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Deployer",
            dependencies: [
                "FleetTypes",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: The application: the daemon and its operator client

        // What the daemon and its operator client share: the admin API's JSON documents (`status --json`,
        // `history --json`, progress events, request bodies) and errors, its token file, the clients' log files,
        // text made safe for a terminal. The daemon builds the documents from the engine's plain values.
        .target(
            name: "AdminAPI",
            dependencies: [
                "FleetTypes",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),  // a followed log ends on shutdown
            ],
            swiftSettings: swiftSettings
        ),
        // The configuration file: its keys, defaults, errors and template.
        .target(
            name: "FleetConfiguration",
            dependencies: [
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        // `urban-robot serve`: the channel glue, the engine's effects, the admin API and status page, triggers,
        // metrics, notifications.
        .target(
            name: "FleetDaemon",
            dependencies: [
                "AdminAPI",
                "CMalloc",
                "FleetConfiguration",
                "Deployer",
                "FleetTypes",
                "Supervisor",
                "SwarmLauncher",
                "DockerEngine",
                "SocketIO",
                "GitStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The status page's files, compiled into the binary: nothing to install beside it.
            resources: [.embedInCode("Resources/ui")],
            swiftSettings: swiftSettings
        ),
        // The operator's side: the admin API's HTTP client, following a deployment, the tables, `init`,
        // `hook install`. Never the daemon.
        .target(
            name: "FleetOperator",
            dependencies: [
                "AdminAPI",
                "FleetConfiguration",
                "FleetTypes",
                "GitStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // `urban-robot demo`: a fleet of example bots on this machine, driven through the CLI.
        .target(
            name: "FleetDemo",
            swiftSettings: swiftSettings
        ),

        // MARK: Executables

        .executableTarget(
            name: "urban-robot",
            dependencies: [
                "AdminAPI",
                "FleetConfiguration",
                "FleetDaemon",
                "FleetOperator",
                "FleetDemo",
                "FleetTypes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/urban-robot",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "urban-robot-log-relay",
            dependencies: ["CSupervisorShims"],
            path: "Sources/urban-robot-log-relay",
            // One starts per launch: linked statically (loading the Swift runtime's libraries cost it 1.2 ms of CPU
            // more) and without Swift's startup object (`-nostartfiles`), whose constructor registering the image
            // with the runtime pulled the whole runtime in though nothing here is Swift: 5.4 MB of code against
            // 0.7, and 0.80 against 0.52 ms of CPU a start (`perf stat` over 200 starts).
            linkerSettings: [.unsafeFlags(["-static-executable", "-nostartfiles"])]
        ),
        .executableTarget(
            name: "socketio-echo",
            dependencies: [
                "SocketIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Examples/socketio-echo",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "gitstore-benchmark",
            dependencies: ["FleetTypes", "GitStore"],
            path: "Benchmarks/GitStoreCheckout",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "answer-encoding-benchmark",
            dependencies: ["AdminAPI"],
            path: "Benchmarks/AnswerEncoding",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SupervisorBenchmark",
            dependencies: ["Supervisor", "FleetTypes", "CSupervisorShims"],
            path: "Benchmarks/SupervisorBenchmark",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests

        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CGit2Tests",
            dependencies: ["CGit2", "TestSupport"],
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
            dependencies: ["Supervisor", "FleetTypes", "SupervisorTestDaemon", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SocketIOTests",
            dependencies: [
                "FleetTypes",
                "SocketIO",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["FuzzCorpus"],  // read from the source tree by DecoderFuzzTests
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GitStoreTests",
            dependencies: ["FleetTypes", "GitStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DockerEngineTests",
            dependencies: ["DockerEngine", "TestSupport"],
            exclude: ["Recorded"],  // real answers of Docker 20.10 (API 1.41), read from the source tree
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwarmLauncherTests",
            dependencies: ["SwarmLauncher", "DockerEngine", "Supervisor", "FleetTypes", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeployerTests",
            dependencies: [
                "Deployer",
                "FleetTypes",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),  // StoreTests counts the rows a step writes
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UrbanRobotTests",
            dependencies: [
                "AdminAPI",
                "FleetConfiguration",
                "FleetDaemon",
                "FleetOperator",
                "FleetDemo",
                "SwarmLauncher",
                "DockerEngine",
                "Supervisor",
                "TestSupport",
                "urban-robot",
                "Deployer",
                "FleetTypes",
                "SocketIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
