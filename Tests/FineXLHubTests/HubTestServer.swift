import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server on 127.0.0.1 inside the test process, one thread per connection, one
/// request per connection, that can send a body whole, partly (then cut the connection) or not at all.
final class HubTestServer: @unchecked Sendable {
    struct Request {
        var method: String
        var path: String
        /// Header names lower-cased.
        var headers: [String: String]
    }

    struct Reply {
        var status: Int
        var headers: [String: String] = [:]
        var body = Data()
        /// Send only this many body bytes, then close (a connection broken mid-body).
        var cutAfter: Int?
        /// Send nothing and keep the connection open until the server stops.
        var hang = false
    }

    let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var received: [Request] = []
    private var stopped = false
    private let acceptDone = DispatchSemaphore(value: 0)

    init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
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

    deinit { stop() }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] { lock.withLock { received } }

    func stop() {
        let wasRunning: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard wasRunning else { return }
        acceptDone.wait()
        close(listener)
    }

    private func acceptLoop() {
        defer { acceptDone.signal() }
        while !lock.withLock({ stopped }) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = readRequest(connection) else { return }
        lock.withLock { received.append(request) }
        let reply = handler(request)
        if reply.hang {
            while !lock.withLock({ stopped }) { usleep(20_000) }
            return
        }
        var head = "HTTP/1.1 \(reply.status) Status\r\nConnection: close\r\n"
        var headers = reply.headers
        if headers["Content-Length"] == nil { headers["Content-Length"] = String(reply.body.count) }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        send(connection, Array(head.utf8))
        guard request.method != "HEAD" else { return }
        send(connection, Array(reply.body.prefix(reply.cutAfter ?? reply.body.count)))
        if reply.cutAfter != nil {
            // A reset, not an orderly close: the client must see a broken transfer.
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        }
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer += chunk[0..<count]
            let text = String(decoding: buffer, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else {
                if buffer.count > 1 << 16 { return nil }
                continue
            }
            var lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            guard requestLine.count >= 2 else { return nil }
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers)
        }
    }

    private func send(_ connection: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
