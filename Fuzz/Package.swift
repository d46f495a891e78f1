// swift-tools-version:6.2
// libFuzzer targets for the Engine.IO and Socket.IO decoders of urban-robot, one executable per decoder.
// `Scripts/fuzz` builds them with `swift build --sanitize fuzzer` (in Fuzz/.build, apart from the main build) and
// runs them on Tests/SocketIOTests/FuzzCorpus. The decoder sources are the main package's own files, linked into
// Sources/SocketIODecoders (they import only FleetTypes, whose files are linked in as well), so this package needs
// none of the server's dependencies.

import PackageDescription

let decoders = ["engineio-packet", "engineio-payload", "socketio-packet", "socketio-decoder"]

let package = Package(
    name: "urban-robot-fuzz",
    targets: [
        .target(name: "FleetTypes"),
        .target(name: "SocketIODecoders", dependencies: ["FleetTypes"]),
    ] + decoders.map { .executableTarget(name: "fuzz-\($0)", dependencies: ["SocketIODecoders"]) }
)
