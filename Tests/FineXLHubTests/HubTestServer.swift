import FineXLTestSupport

/// The hub tests' server: the shared test server playing the Hugging Face hub.
typealias HubTestServer = TestHTTPServer
