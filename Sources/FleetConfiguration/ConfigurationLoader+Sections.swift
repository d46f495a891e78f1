/// One function per table: each reads its keys over the defaults and rejects unknown ones.
extension ConfigurationLoader {
    static func readSource(_ table: TOMLSectionReader) throws(ConfigurationError) -> SourceSettings {
        var table = table
        var source = SourceSettings()
        source.url = try table.string("url") ?? source.url
        source.branch = try table.string("branch") ?? source.branch
        source.poll = try table.duration("poll") ?? source.poll
        source.marker = try table.string("marker") ?? source.marker
        source.tokenFile = try table.string("token_file") ?? source.tokenFile
        source.sshKeyFile = try table.string("ssh_key_file") ?? source.sshKeyFile
        try table.rejectUnknownKeys()
        if source.url.isEmpty {
            throw table.error(.missingValue, key: "url", "is required: the path or URL of the bot's git repository")
        }
        if source.branch.isEmpty {
            throw table.error(.invalidValue, key: "branch", "must name a branch")
        }
        return source
    }

    static func readBot(_ table: TOMLSectionReader) throws(ConfigurationError) -> BotSettings {
        var table = table
        var bot = BotSettings()
        bot.command = try table.stringArray("command") ?? bot.command
        bot.build = try table.stringArray("build") ?? bot.build
        bot.instances = try table.integer("instances", in: 1...10_000) ?? bot.instances
        let tokenEnvironment = try table.string("token_env")
        let tokenFile = try table.string("token_file")
        bot.environment = try table.stringTable("env") ?? bot.environment
        bot.stopWithDaemon = try table.boolean("stop_with_daemon") ?? bot.stopWithDaemon
        try table.rejectUnknownKeys()
        if bot.command.isEmpty || bot.command[0].isEmpty {
            throw table.error(.invalidValue, key: "command", #"must name a program, e.g. ["python3", "bot.py"]"#)
        }
        switch (tokenEnvironment, tokenFile) {
        case (.some, .some(let file)) where !file.isEmpty:
            throw table.error(.conflict, key: "token_file", "and token_env exclude each other; keep one")
        case (_, .some(let file)) where !file.isEmpty:
            bot.token = .file(file)
        case (.some(let variable), _):
            guard !variable.isEmpty else { throw table.error(.invalidValue, key: "token_env", "must name a variable") }
            bot.token = .environment(variable)
        default:
            break
        }
        for name in bot.environment.keys where name.hasPrefix("URBAN_ROBOT_") {
            throw table.error(.invalidValue, key: "env.\(name)", "is reserved: urban-robot sets the URBAN_ROBOT_* variables itself")
        }
        if case .environment(let name) = bot.token, bot.environment[name] != nil {
            throw table.error(.invalidValue, key: "env.\(name)", "is the variable bot.token_env reads the Discord token "
                + "from; the token never goes into a bot's environment (the bot receives it in hello)")
        }
        return bot
    }

    static func readHealth(_ table: TOMLSectionReader) throws(ConfigurationError) -> HealthSettings {
        var table = table
        var health = HealthSettings()
        health.vitalCogs = try table.stringArray("vital_cogs") ?? health.vitalCogs
        health.minPercent = try table.integer("min_percent", in: 0...100) ?? health.minPercent
        health.identifyTimeout = try table.duration("identify_timeout", minimum: .milliseconds(1)) ?? health.identifyTimeout
        health.readyTimeout = try table.duration("ready_timeout", minimum: .milliseconds(1)) ?? health.readyTimeout
        health.checkTimeout = try table.duration("check_timeout", minimum: .milliseconds(1)) ?? health.checkTimeout
        health.healthInterval = try table.duration("health_interval") ?? health.healthInterval
        try table.rejectUnknownKeys()
        return health
    }

    static func readRollout(_ table: TOMLSectionReader, instances: Int) throws(ConfigurationError) -> RolloutSettings {
        var table = table
        var rollout = RolloutSettings()
        rollout.canary = try table.integer("canary", in: 0...10_000) ?? rollout.canary
        rollout.bake = try table.duration("bake") ?? rollout.bake
        rollout.batch = try readBatch(&table) ?? rollout.batch
        rollout.batchBake = try table.duration("batch_bake") ?? rollout.batchBake
        rollout.watch = try table.duration("watch") ?? rollout.watch
        rollout.keepStandby = try table.boolean("keep_standby") ?? rollout.keepStandby
        rollout.pauseAfterCanary = try table.boolean("pause_after_canary") ?? rollout.pauseAfterCanary
        rollout.comaTimeout = try table.duration("coma_timeout", minimum: .milliseconds(1)) ?? rollout.comaTimeout
        rollout.stopGrace = try table.duration("stop_grace") ?? rollout.stopGrace
        rollout.killGrace = try table.duration("kill_grace") ?? rollout.killGrace
        rollout.reconnectGrace = try table.duration("reconnect_grace") ?? rollout.reconnectGrace
        rollout.crashLoop = try table.integer("crash_loop", in: 1...1_000) ?? rollout.crashLoop
        rollout.crashWindow = try table.duration("crash_window", minimum: .milliseconds(1)) ?? rollout.crashWindow
        rollout.maxRollbackDepth = try table.integer("max_rollback_depth", in: 1...100) ?? rollout.maxRollbackDepth
        rollout.maxAutoRollbacks = try table.integer("max_auto_rollbacks", in: 0...1_000) ?? rollout.maxAutoRollbacks
        rollout.maxConcurrency = try table.integer("max_concurrency", in: 1...1_000) ?? rollout.maxConcurrency
        rollout.identifySpacing = try table.duration("identify_spacing") ?? rollout.identifySpacing
        try table.rejectUnknownKeys()
        if rollout.canary > instances {
            throw table.error(.invalidValue, key: "canary",
                              "is \(rollout.canary) but bot.instances is \(instances); the canary cannot be larger than the fleet")
        }
        return rollout
    }

    private static func readBatch(_ table: inout TOMLSectionReader) throws(ConfigurationError) -> BatchSize? {
        guard table.contains("batch") else { return nil }
        if let text = try? table.string("batch") {
            guard text.hasSuffix("%"), let percent = Int(text.dropLast()), (1...100).contains(percent) else {
                throw table.error(.invalidValue, key: "batch", #"must be a count (4) or a percentage from "1%" to "100%", not '\#(text)'"#)
            }
            return .percent(percent)
        }
        guard let count = try table.integer("batch", in: 1...10_000) else { return nil }
        return .count(count)
    }

    static func readChannel(_ table: TOMLSectionReader) throws(ConfigurationError) -> ChannelSettings {
        var table = table
        var channel = ChannelSettings()
        channel.listen = try readListen(&table) ?? channel.listen
        channel.pingInterval = try table.duration("ping_interval", minimum: .milliseconds(1)) ?? channel.pingInterval
        channel.pingTimeout = try table.duration("ping_timeout", minimum: .milliseconds(1)) ?? channel.pingTimeout
        channel.maxPayload = try table.integer("max_payload", in: 1_024...100_000_000) ?? channel.maxPayload
        channel.allowUnmanaged = try table.boolean("allow_unmanaged") ?? channel.allowUnmanaged
        let sessionLimit = channel.maxSessions
        channel.maxUnauthenticated = try table.integer("max_unauthenticated", in: 1...sessionLimit) ?? channel.maxUnauthenticated
        channel.maxUnauthenticatedPerPeer = try table.integer("max_unauthenticated_per_peer", in: 1...sessionLimit)
            ?? channel.maxUnauthenticatedPerPeer
        channel.publicURL = try table.string("public_url") ?? channel.publicURL
        if !channel.publicURL.isEmpty && !(channel.publicURL.hasPrefix("http://") || channel.publicURL.hasPrefix("https://")) {
            throw table.error(.invalidValue, key: "public_url", "must be an http:// or https:// URL the bots dial, or empty "
                + "for listen's address, not '\(channel.publicURL)'")
        }
        guard channel.maxUnauthenticatedPerPeer <= channel.maxUnauthenticated else {
            throw table.error(.invalidValue, key: "max_unauthenticated_per_peer", "must be at most max_unauthenticated "
                + "(\(channel.maxUnauthenticated)), not \(channel.maxUnauthenticatedPerPeer)")
        }
        try table.rejectUnknownKeys()
        return channel
    }

    static func readAdmin(_ table: TOMLSectionReader) throws(ConfigurationError) -> AdminSettings {
        var table = table
        var admin = AdminSettings()
        admin.listen = try readListen(&table) ?? admin.listen
        admin.allowRemote = try table.boolean("allow_remote") ?? admin.allowRemote
        try table.rejectUnknownKeys()
        if !admin.listen.isLoopback && !admin.allowRemote {
            throw table.error(.invalidValue, key: "listen", "is \(admin.listen), not a loopback address: whoever reaches "
                + "the admin API with the token controls the fleet. Keep it on 127.0.0.1 or [::1], or set "
                + "admin.allow_remote = true to accept it (behind a firewall or a TLS proxy)")
        }
        return admin
    }

    private static func readListen(_ table: inout TOMLSectionReader) throws(ConfigurationError) -> ListenAddress? {
        guard let text = try table.string("listen") else { return nil }
        guard let address = ListenAddress(parsing: text) else {
            throw table.error(.invalidValue, key: "listen", #"must be "HOST:PORT" with a port from 0 to 65535, not '\#(text)'"#)
        }
        return address
    }

    static func readWebhook(_ table: TOMLSectionReader) throws(ConfigurationError) -> WebhookSettings {
        var table = table
        var webhook = WebhookSettings()
        webhook.githubSecretFile = try table.string("github_secret_file") ?? webhook.githubSecretFile
        try table.rejectUnknownKeys()
        return webhook
    }

    static func readNotify(_ table: TOMLSectionReader) throws(ConfigurationError) -> NotifySettings {
        var table = table
        var notify = NotifySettings()
        notify.discordWebhook = try table.string("discord_webhook") ?? notify.discordWebhook
        notify.webhook = try table.string("webhook") ?? notify.webhook
        try table.rejectUnknownKeys()
        for (key, url) in [("discord_webhook", notify.discordWebhook), ("webhook", notify.webhook)]
        where !url.isEmpty && !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw table.error(.invalidValue, key: key, "must be an http:// or https:// URL")
        }
        return notify
    }

    static func readState(_ table: TOMLSectionReader) throws(ConfigurationError) -> StateSettings {
        var table = table
        var state = StateSettings()
        state.directory = try table.string("dir") ?? state.directory
        state.keepReleases = try table.integer("keep_releases", in: 1...1_000) ?? state.keepReleases
        state.goodTagPrefix = try table.string("good_tag_prefix") ?? state.goodTagPrefix
        state.pushTags = try table.boolean("push_tags") ?? state.pushTags
        try table.rejectUnknownKeys()
        if state.directory.isEmpty {
            throw table.error(.invalidValue, key: "dir", "must name a folder")
        }
        let forbidden = state.goodTagPrefix.contains { " ~^:?*[\\".contains($0) }
        if state.goodTagPrefix.isEmpty || forbidden || state.goodTagPrefix.hasPrefix("/") || state.goodTagPrefix.contains("..") {
            throw table.error(.invalidValue, key: "good_tag_prefix", "must be a valid tag name prefix such as \"good/\"")
        }
        return state
    }
}
