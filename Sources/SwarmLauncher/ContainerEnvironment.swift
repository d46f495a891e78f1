import Supervisor

/// A container's environment from the one a local child would get (``LaunchEnvironment``): without the variables
/// the daemon's own environment gave it (the image has its own `PATH` and `HOME`), without `URBAN_ROBOT_KEY` (the
/// key is a Swarm secret, named by `URBAN_ROBOT_KEY_FILE`), and with the channel's URL as the containers reach it.
enum ContainerEnvironment {
    /// `NAME=value` entries, sorted.
    static func make(
        from environment: [String: String], daemonEnvironment: [String: String], channelURL: String?, keyFile: String
    ) -> [String] {
        var result = environment
        var inherited = daemonEnvironment
        if inherited["PATH"] == nil { inherited["PATH"] = LaunchEnvironment.defaultPath }
        for name in LaunchEnvironment.inheritedNames where result[name] != nil && result[name] == inherited[name] {
            result.removeValue(forKey: name)
        }
        result.removeValue(forKey: "URBAN_ROBOT_KEY")
        result["URBAN_ROBOT_KEY_FILE"] = keyFile
        if let channelURL { result["URBAN_ROBOT_URL"] = channelURL }
        return result.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
