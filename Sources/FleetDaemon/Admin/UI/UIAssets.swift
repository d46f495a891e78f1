import Hummingbird

/// The page's files, compiled into the binary (`.embedInCode` resources of Sources/UrbanRobot/Resources/ui), so
/// an installed or copied `urban-robot` serves them with nothing beside it and without network access.
enum UIAssets {
    /// The page itself.
    static let page = "index.html"

    /// Each file by its name under `/ui/assets/`, with its content type.
    private static let files: [String: (bytes: [UInt8], contentType: String)] = [
        "index.html": (PackageResources.index_html, "text/html; charset=utf-8"),
        "ui.css": (PackageResources.ui_css, "text/css; charset=utf-8"),
        "app.js": (PackageResources.app_js, javaScript),
        "api.js": (PackageResources.api_js, javaScript),
        "dom.js": (PackageResources.dom_js, javaScript),
        "format.js": (PackageResources.format_js, javaScript),
        "live.js": (PackageResources.live_js, javaScript),
        "fleet.js": (PackageResources.fleet_js, javaScript),
        "timeline.js": (PackageResources.timeline_js, javaScript),
        "history.js": (PackageResources.history_js, javaScript),
        "actions.js": (PackageResources.actions_js, javaScript),
    ]

    private static let javaScript = "text/javascript; charset=utf-8"

    /// `200` with the file.
    /// - Throws: ``AdminError`` (404) for a name that is not one of the page's files.
    static func response(for name: String) throws -> Response {
        guard let file = files[name] else {
            throw AdminError(.notFound, "no page file '\(name)'")
        }
        return Response(status: .ok, headers: [.contentType: file.contentType],
                        body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
