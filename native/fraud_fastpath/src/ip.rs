//! The contract's IP rule: an IPv4 or IPv6 address without a zone index, as inet_pton reads it.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Whether `text` is certainly an address the Python reference accepts. Only the plain forms
/// are judged here (dotted quad; hexadecimal groups and colons); an IPv6 address with an
/// embedded IPv4 tail, or anything else, is left to the reference.
pub fn is_plain(text: &str) -> bool {
    if text.contains(':') {
        text.bytes().all(|c| c == b':' || c.is_ascii_hexdigit()) && text.parse::<Ipv6Addr>().is_ok()
    } else {
        text.parse::<Ipv4Addr>().is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_addresses() {
        for ok in ["192.0.2.1", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::8a2e:370:7334",
                   "2001:DB8:0:0:0:0:0:1", "fe80::1"] {
            assert!(is_plain(ok), "{ok}");
        }
        for bad in ["", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4 ", "fe80::1%eth0", "::ffff:1.2.3.4",
                    "1:2:3:4:5:6:7:8:9", "12345::", "g::1", ":::", "1.2.3.-4", "+1.2.3.4"] {
            assert!(!is_plain(bad), "{bad}");
        }
    }
}
