import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server on 127.0.0.1 and an ephemeral port, inside the test process, that plays
/// the servers FineXL talks to (an OpenAI-compatible VLM endpoint, the Hugging Face hub). One
/// thread accepts; each connection gets its own thread, answers one request and closes. A reply
/// can be whole, cut mid-body, never sent, or a TCP reset. Bounded: it stops accepting after
/// `maximumConnections`.
public final class TestHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: Data

        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        /// Send only this many body bytes, then reset the connection (a transfer broken mid-body).
        public var cutAfter: Int?
        /// Send nothing and keep the connection open until the server stops.
        public var hang: Bool
        /// Answer with a TCP reset instead of a response.
        public var reset: Bool

        public init(status: Int, headers: [String: String] = [:], body: Data = Data(), cutAfter: Int? = nil,
                    hang: Bool = false, reset: Bool = false) {
            self.status = status
            self.headers = headers
            self.body = body
            self.cutAfter = cutAfter
            self.hang = hang
            self.reset = reset
        }

        /// A JSON response.
        public static func respond(status: Int, headers: [String: String] = [:], body: String) -> Reply {
            Reply(status: status, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: Data(body.utf8))
        }

        /// Read the request and never answer (until the server stops).
        public static var hang: Reply { Reply(status: 0, hang: true) }
        /// Close the connection with a TCP reset instead of answering.
        public static var reset: Reply { Reply(status: 0, reset: true) }
    }

    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request, Int) -> Reply
    private let lock = NSLock()
    private var received: [Request] = []
    private var openConnections: [Int32] = []
    private var stopped = false
    private let maximumConnections: Int
    private let acceptThreadDone = DispatchSemaphore(value: 0)

    /// `handler` gets each request and its 0-based arrival number.
    public init(maximumConnections: Int = 64, handler: @escaping @Sendable (Request, Int) -> Reply) throws {
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
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 32) == 0 else {
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
        Thread { [self] in acceptLoop() }.start()
    }

    /// A server whose handler does not need the arrival number.
    public convenience init(handler: @escaping @Sendable (Request) -> Reply) throws {
        try self.init(handler: { request, _ in handler(request) })
    }

    deinit { stop() }

    /// "http://127.0.0.1:PORT".
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far, in arrival order.
    public var requests: [Request] { lock.withLock { received } }

    /// Stops accepting, ends hanging connections and waits for the accept thread.
    public func stop() {
        // Under the lock: `serve` takes a connection off the list (under the lock) before it
        // closes it, so every descriptor shut down here is still that connection's.
        let wasRunning: Bool = lock.withLock {
            guard !stopped else { return false }
            stopped = true
            for fd in openConnections { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard wasRunning else { return }
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
            // A connection that arrives as the server stops is closed at once, not served.
            let admitted: Bool = lock.withLock {
                guard !stopped else { return false }
                openConnections.append(connection)
                return true
            }
            guard admitted else {
                close(connection)
                continue
            }
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer {
            lock.withLock { openConnections.removeAll { $0 == connection } }
            close(connection)
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = readRequest(connection) else { return }
        let index: Int = lock.withLock {
            received.append(request)
            return received.count - 1
        }
        let reply = handler(request, index)
        if reply.hang {
            while !isStopped { usleep(20_000) }
            return
        }
        if reply.reset {
            resetOnClose(connection)
            return
        }
        let reason = reply.status < 300 ? "OK" : reply.status < 400 ? "Redirect" : "Error"
        var head = "HTTP/1.1 \(reply.status) \(reason)\r\nConnection: close\r\n"
        var headers = reply.headers
        if !headers.keys.contains(where: { $0.lowercased() == "content-length" }) { headers["Content-Length"] = String(reply.body.count) }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        send(connection, Array(head.utf8))
        guard request.method != "HEAD" else { return }
        send(connection, Array(reply.body.prefix(reply.cutAfter ?? reply.body.count)))
        if reply.cutAfter != nil { resetOnClose(connection) }
    }

    /// A reset, not an orderly close: the client must see a broken transfer.
    private func resetOnClose(_ connection: Int32) {
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
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
        var lines = String(decoding: buffer[0..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
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
            #if canImport(Glibc)
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            #else
            let written = bytes[offset...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            #endif
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

    public struct ServerError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
