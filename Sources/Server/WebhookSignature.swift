import Manifests

/// HMAC-SHA256 (RFC 2104) over the SHA-256 of Manifests, and comparisons that take the same
/// time whatever the inputs share, so that a caller cannot learn a secret byte by byte.
enum WebhookSignature {
    /// HMAC-SHA256 of `message` under `key`.
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? digest(key) : key
        block += Array(repeating: 0, count: blockSize - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// GitHub's `X-Hub-Signature-256` value for `body`: `sha256=<hex>`.
    static func gitHubHeader(secret: [UInt8], body: [UInt8]) -> String {
        "sha256=" + SHA256.hex(hmacSHA256(key: secret, message: body))
    }

    /// Whether two byte strings are equal, in time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let count = max(a.count, b.count)
        for index in 0..<count {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }

    private static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var hash = SHA256()
        hash.update(bytes)
        return hash.finalize()
    }
}
