import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 (any free port) whose connections are served by a thread that
/// stops by itself after `lifetime` seconds, closing every socket it holds.
enum LocalListener {
    /// Opens the listening socket; returns it and its port.
    static func open() throws -> (socket: Int32, port: UInt16) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(listener, socketAddress, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        return (listener, UInt16(bigEndian: address.sin_port))
    }

    /// Accepts connections for `lifetime` seconds, handing each to `serve`, then closes everything.
    static func serve(_ listener: Int32, lifetime: Double, _ serve: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var connections: [Int32] = []
            let end = Date().addingTimeInterval(lifetime)
            while Date() < end {
                var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&waiting, 1, 50) > 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                connections.append(connection)
                serve(connection)
            }
            for connection in connections { close(connection) }
            close(listener)
        }
        thread.start()
    }
}

/// A "git server" that accepts connections and never says a word: what a stalled remote or a
/// black-holing proxy looks like to libgit2.
struct SilentServer {
    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)/workspace.git" }

    init(lifetime: Double) throws {
        let (listener, port) = try LocalListener.open()
        self.port = port
        LocalListener.serve(listener, lifetime: lifetime) { _ in }
    }
}

/// An https-less git server that refuses every request with 401, recording what it was sent.
final class RefusingServer: @unchecked Sendable {
    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)/workspace.git" }
    private let lock = NSLock()
    private var requests: [String] = []

    /// The raw request heads received so far.
    var receivedRequests: [String] { lock.withLock { requests } }

    init(lifetime: Double) throws {
        let (listener, port) = try LocalListener.open()
        self.port = port
        LocalListener.serve(listener, lifetime: lifetime) { [self] connection in
            let head = Self.readHead(connection)
            lock.withLock { requests.append(head) }
            let response =
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"
            _ = Array(response.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) }
            shutdown(connection, Int32(SHUT_RDWR))
        }
    }

    private static func readHead(_ connection: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n") {
            var waiting = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 2000) > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
