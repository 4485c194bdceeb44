#pragma once
// The certificates the mock serves HTTPS with when none are given: a CA made at start and a
// leaf certificate it signed, in memory, so a client under test can trust the CA alone.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ucwa {

/** A certificate authority and a leaf certificate it signed, as PEM. */
struct tls_identity
{
    std::string ca_pem;    // the CA's certificate: what a client trusts
    std::string chain_pem; // the leaf certificate (the CA signed it directly: no intermediate)
    std::string key_pem;   // the leaf's private key, PKCS#8, unencrypted
};

/** Makes a fresh CA (EC P-256, valid from an hour ago for 10 years) and a leaf certificate
    for `names` (EC P-256, valid from an hour ago for 397 days, serverAuth): DNS names
    (wildcards as "*.contoso.com") and IP addresses ("127.0.0.1", "::1") go in its
    subjectAltName. Everything stays in memory; nothing is written to disk.

    @return the identity, or the OpenSSL error (invalid_argument for a name that
    tls_name_problem rejects, or no names at all).
*/
boost::system::result<tls_identity>
make_tls_identity(std::vector<std::string> const& names);

/** Tells why `name` cannot go in a certificate's subjectAltName, or returns an empty string:
    an IPv4 or IPv6 address, or a DNS name of letters, digits, '-' and '.' (at most 253
    characters, labels of 1 to 63) whose first label may be "*".
*/
std::string
tls_name_problem(std::string_view name);

} // namespace ucwa
