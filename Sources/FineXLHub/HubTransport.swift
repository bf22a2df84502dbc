import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange at a time, synchronously, with redirects handed back to the caller
/// (who decides whether the token may follow them) and the body streamed to a sink.
struct HubTransport {
    struct Response {
        var status: Int
        var url: URL
        /// Header names lower-cased.
        var headers: [String: String]
        /// The body, kept only for answers the sink was not given (errors, redirects), at most 64 KiB.
        var body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// A redirect's target, resolved against the request's URL.
        var location: URL? { header("Location").flatMap { URL(string: $0, relativeTo: url)?.absoluteURL } }
    }

    enum Failure: Error {
        /// No answer at all, or the connection broke; `received` body bytes had reached the sink.
        case transport(URLError, received: Int64, response: Response?)
        /// The sink threw (a write failed); the transfer was cancelled.
        case sink(Error)
    }

    /// Seconds without a byte arriving.
    var timeout: Double
    /// Seconds for the whole exchange, for requests without a body to wait for (a HEAD): our own
    /// deadline, since swift-corelibs-foundation's idle timeout alone has not always fired.
    var deadline: Double?

    /// Sends `request`. When the answer is `acceptStatus` its body goes to `sink` chunk by chunk.
    func perform(_ request: URLRequest, acceptStatus: Set<Int> = [], sink: ((Data) throws -> Void)? = nil) throws -> Response {
        let delegate = Delegate(acceptStatus: acceptStatus, sink: sink)
        let configuration = URLSessionConfiguration.ephemeral
        // Time without any byte arriving; a download's total time is not limited.
        configuration.timeoutIntervalForRequest = timeout
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = request
        request.timeoutInterval = timeout
        let task = session.dataTask(with: request)
        task.resume()
        if let deadline {
            if delegate.finished.wait(timeout: .now() + deadline) == .timedOut {
                task.cancel()
                delegate.finished.wait()
                throw Failure.transport(URLError(.timedOut), received: 0, response: nil)
            }
        } else {
            delegate.finished.wait()
        }
        return try delegate.outcome(for: request.url!)
    }

    private final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let finished = DispatchSemaphore(value: 0)
        private let acceptStatus: Set<Int>
        private let sink: ((Data) throws -> Void)?
        private let lock = NSLock()
        private var response: HTTPURLResponse?
        private var body = Data()
        private var streaming = false
        private var received: Int64 = 0
        private var sinkError: Error?
        private var transportError: Error?

        init(acceptStatus: Set<Int>, sink: ((Data) throws -> Void)?) {
            self.acceptStatus = acceptStatus
            self.sink = sink
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            // The redirect itself is the answer: its headers carry the hub's metadata for large files.
            completionHandler(nil)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            lock.withLock {
                self.response = response as? HTTPURLResponse
                streaming = sink != nil && acceptStatus.contains(self.response?.statusCode ?? 0)
            }
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let failed: Bool = lock.withLock {
                guard sinkError == nil else { return true }
                if streaming, let sink {
                    do {
                        try sink(data)
                        received += Int64(data.count)
                    } catch {
                        sinkError = error
                        return true
                    }
                } else if body.count < 65536 {
                    body.append(data.prefix(65536 - body.count))
                }
                return false
            }
            if failed { dataTask.cancel() }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            lock.withLock {
                if response == nil { response = task.response as? HTTPURLResponse }
                transportError = error
            }
            finished.signal()
        }

        func outcome(for url: URL) throws -> Response {
            try lock.withLock {
                if let sinkError { throw Failure.sink(sinkError) }
                let answer = response.map { response in
                    var headers: [String: String] = [:]
                    for (name, value) in response.allHeaderFields {
                        if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
                    }
                    return Response(status: response.statusCode, url: url, headers: headers, body: body)
                }
                if let transportError {
                    let urlError = transportError as? URLError ?? URLError(.unknown, userInfo: [
                        NSLocalizedDescriptionKey: transportError.localizedDescription,
                    ])
                    throw Failure.transport(urlError, received: received, response: answer)
                }
                guard let answer else { throw Failure.transport(URLError(.badServerResponse), received: received, response: nil) }
                return answer
            }
        }
    }
}
