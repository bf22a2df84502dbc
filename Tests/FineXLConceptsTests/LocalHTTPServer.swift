import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 and an ephemeral port, living inside the test process,
/// that plays an OpenAI-compatible endpoint. One thread accepts; each connection gets its own
/// thread, answers one request and closes. Bounded: it stops accepting after `maximumConnections`.
final class LocalHTTPServer: @unchecked Sendable {
    struct Request {
        var method: String
        var path: String
        /// Header names lower-cased.
        var headers: [String: String]
        var body: Data

        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    enum Reply {
        case respond(status: Int, headers: [String: String] = [:], body: String)
        /// Read the request and never answer (until the server stops).
        case hang
        /// Close the connection with a TCP reset instead of answering.
        case reset
    }

    let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request, Int) -> Reply
    private let lock = NSLock()
    private var received: [Request] = []
    private var openConnections: [Int32] = []
    private var stopped = false
    private let maximumConnections: Int
    private let acceptThreadDone = DispatchSemaphore(value: 0)

    /// `handler` gets each request and its 0-based arrival number.
    init(maximumConnections: Int = 64, handler: @escaping @Sendable (Request, Int) -> Reply) throws {
        self.handler = handler
        self.maximumConnections = maximumConnections
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ServerError("socket() failed") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw ServerError("bind/listen on 127.0.0.1 failed")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    var requests: [Request] { lock.withLock { received } }

    /// Stops accepting, closes hanging connections and waits for the accept thread.
    func stop() {
        let connections: [Int32]? = lock.withLock {
            guard !stopped else { return nil }
            stopped = true
            defer { openConnections = [] }
            return openConnections
        }
        guard let connections else { return }
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
        acceptThreadDone.wait()
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        defer { acceptThreadDone.signal() }
        var accepted = 0
        while !isStopped && accepted < maximumConnections {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            accepted += 1
            lock.withLock { openConnections.append(connection) }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = readRequest(connection) else {
            finish(connection)
            return
        }
        let index: Int = lock.withLock {
            received.append(request)
            return received.count - 1
        }
        switch handler(request, index) {
        case .respond(let status, let headers, let body):
            let bytes = Array(body.utf8)
            var head = "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Error")\r\n"
            head += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "\r\n"
            send(connection, Array(head.utf8) + bytes)
            finish(connection)
        case .hang:
            // Keep the socket open without answering until the test ends.
            while !isStopped { usleep(20_000) }
            finish(connection)
        case .reset:
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
            finish(connection)
        }
    }

    private func finish(_ connection: Int32) {
        lock.withLock { openConnections.removeAll { $0 == connection } }
        close(connection)
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer += chunk[0..<count]
            headerEnd = Self.find(separator, in: buffer)
            if buffer.count > 1 << 20 && headerEnd == nil { return nil }
        }
        guard let headerEnd else { return nil }
        let headText = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard length <= 64 << 20 else { return nil }
        if headers["expect"]?.lowercased() == "100-continue" {
            send(connection, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        var body = Array(buffer[(headerEnd + separator.count)...])
        while body.count < length {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            body += chunk[0..<count]
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
                       body: Data(body.prefix(length)))
    }

    private func send(_ connection: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            offset += written
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The body of a chat completion whose message is `content`.
    static func chatCompletion(_ content: String) -> String {
        let object: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "test-model",
            "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": content]]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
