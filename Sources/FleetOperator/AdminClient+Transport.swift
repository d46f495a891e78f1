import AdminAPI
import AsyncHTTPClient
import FleetTypes
import Foundation
import NIOCore
import NIOHTTP1

extension AdminClient {
    /// The most bytes a JSON answer may have.
    static let maximumAnswer = 16 << 20

    /// Sends a request and collects its answer; a status of 400 or more throws ``AdminClientError``.
    func send(_ method: HTTPMethod, _ path: String, json body: (some Encodable)? = String?.none) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token.value)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response = try await execute(request, timeout: .seconds(30))
        let data = Data(try await response.body.collect(upTo: Self.maximumAnswer).readableBytesView)
        try Self.check(status: Int(response.status.code), body: data, path: path)
        return (Int(response.status.code), data)
    }

    /// Opens a GET whose body is read as it comes; a status of 400 or more throws ``AdminClientError``.
    func open(_ path: String, streaming: Bool) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token.value)")
        let response = try await execute(request, timeout: streaming ? .hours(24 * 365) : .seconds(30))
        if response.status.code >= 400 {
            let data = Data(try await response.body.collect(upTo: Self.maximumAnswer).readableBytesView)
            try Self.check(status: Int(response.status.code), body: data, path: path)
        }
        return response
    }

    private func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
        do {
            return try await httpClient.execute(request, timeout: timeout)
        } catch let error as HTTPClientError where error == .connectTimeout || error == .remoteConnectionClosed {
            throw AdminClientError(code: .notRunning, message: "the daemon does not answer at \(baseURL) (\(error)); is `urban-robot serve` running?")
        } catch let error as HTTPClientError where error == .cancelled {
            // The caller was cancelled (a watch ended with ctrl-c): not a daemon that cannot be reached.
            throw CancellationError()
        } catch let error as HTTPClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AdminClientError(code: .notRunning,
                                   message: "cannot reach the daemon at \(baseURL) (\(error)); is `urban-robot serve` running with this configuration?")
        }
    }

    /// Throws ``AdminClientError`` for an error answer, with the daemon's `error` message.
    static func check(status: Int, body: Data, path: String) throws {
        guard status >= 400 else { return }
        let message = (try? JSONDecoder().decode([String: String].self, from: body))?["error"]
            ?? String(decoding: body, as: UTF8.self)
        let code: AdminClientError.Code = switch status {
        case 401: .unauthorized
        case 404: .notFound
        case 409: .refused
        case 400: .invalid
        default: .failed
        }
        let hint = status == 401 ? " (the token in the state folder does not match the running daemon's)" : ""
        throw AdminClientError(code: code, message: "\(message)\(hint)", status: status)
    }

    /// Decodes an answer with ISO 8601 dates.
    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw AdminClientError(code: .failed, message: "the daemon's answer is not a \(type): \(error)")
        }
    }
}
