// The token service's pure parts: name-based tenant ids, the RS256 signer and its JWKS entry,
// the claims of each kind of token and their verification at a given time (no real clock).

#include "aad_tokens.hpp"
#include "json_support.hpp"
#include "jwt.hpp"
#include "name_uuid.hpp"

#include <doctest/doctest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <memory>
#include <string>

using namespace ucwa;
using namespace ucwa::test;
using namespace std::chrono_literals;

namespace {

// 2026-12-01T12:00:00Z: every time below is this one or an offset of it.
std::chrono::system_clock::time_point const noon{std::chrono::seconds(1796126400)};

// A key made now, as PKCS#8 PEM (no key is kept in the repository).
std::string
pem_of(EVP_PKEY* key)
{
    REQUIRE(key != nullptr);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    EVP_PKEY_free(key);
    char* data = nullptr;
    auto const length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::int64_t
number_at(std::string const& json, char const* name)
{
    auto const doc = parse_json(json);
    auto const it = doc.FindMember(name);
    REQUIRE_MESSAGE(it != doc.MemberEnd(), name);
    REQUIRE(it->value.IsInt64());
    return it->value.GetInt64();
}

// One key for the whole file: making an RSA key takes a moment.
aad_authority const&
authority()
{
    static aad_authority const made;
    return made;
}

} // namespace

TEST_SUITE("aad tokens")
{
    TEST_CASE("name_uuid is RFC 4122 version 5 and tenant ids are stable per domain")
    {
        // Python's uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"), a published value.
        CHECK(name_uuid(dns_namespace_uuid, "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
        CHECK(is_uuid(tenant_id_of("contoso.com")));
        CHECK(tenant_id_of("Contoso.COM") == tenant_id_of("contoso.com"));
        CHECK(tenant_id_of("contoso.com") != tenant_id_of("fabrikam.com"));
        CHECK(issuer_of("t") == "https://sts.windows.net/t/");
        CHECK(name_uuid("not a uuid", "x").empty());
        CHECK_FALSE(is_uuid("886313e1-3b8a-5372-9b90-0c9aee199e5"));
        CHECK_FALSE(is_uuid("886313e1x3b8a-5372-9b90-0c9aee199e5d"));
    }

    TEST_CASE("the signer writes typ alg x5t and kid and verifies only its own tokens")
    {
        auto const& key = authority().key();
        auto const token = key.sign_jwt(R"({"a":1})");
        auto const header = base64url_decode(token.substr(0, token.find('.')));
        REQUIRE(header);
        CHECK(at(*header, "/typ") == "JWT");
        CHECK(at(*header, "/alg") == "RS256");
        CHECK(at(*header, "/x5t") == key.thumbprint());
        CHECK(at(*header, "/kid") == key.thumbprint());
        // A SHA-1 thumbprint: 20 bytes.
        CHECK(base64url_decode(key.thumbprint())->size() == 20);
        REQUIRE(key.verify_jwt(token));
        CHECK(*key.verify_jwt(token) == R"({"a":1})");

        // A changed payload, signature or algorithm fails.
        auto const dot = token.find('.');
        auto const last = token.rfind('.');
        auto const tampered = token.substr(0, dot + 1) + base64url(R"({"a":2})") + token.substr(last);
        CHECK_FALSE(key.verify_jwt(tampered));
        auto const resigned = token.substr(0, last + 1) + (token[last + 1] == 'A' ? "B" : "A") + token.substr(last + 2);
        CHECK_FALSE(key.verify_jwt(resigned));
        CHECK_FALSE(key.verify_jwt(make_hs256_jwt(R"({"a":1})", "k")));
        CHECK_FALSE(key.verify_jwt("not.a-jwt"));
        CHECK_FALSE(key.verify_jwt("cwt=abc"));

        // Another key's token is not this one's.
        aad_authority other;
        CHECK_FALSE(key.verify_jwt(other.key().sign_jwt(R"({"a":1})")));
    }

    TEST_CASE("the JWKS entry names the key as the tokens do")
    {
        auto const& key = authority().key();
        auto const jwk = key.jwk_json();
        CHECK(at(jwk, "/kty") == "RSA");
        CHECK(at(jwk, "/use") == "sig");
        CHECK(at(jwk, "/kid") == key.thumbprint());
        CHECK(at(jwk, "/x5t") == key.thumbprint());
        CHECK(at(jwk, "/e") == "AQAB");
        // RSA 2048: a 256-byte modulus.
        CHECK(base64url_decode(at(jwk, "/n"))->size() == 256);
        CHECK(at(jwk, "/x5c/0") == key.certificate_base64());
        CHECK_FALSE(key.certificate_base64().empty());
    }

    TEST_CASE("a key from PEM is that key and a non-RSA or short key is refused")
    {
        CHECK_FALSE(rsa_signing_key::from_pem("not pem").has_value());
        auto const rsa = pem_of(EVP_RSA_gen(2048));
        auto const loaded = rsa_signing_key::from_pem(rsa);
        REQUIRE_MESSAGE(loaded.has_value(), (loaded ? std::string() : loaded.error()));
        // The same key again (a restart): the same certificate and kid, and it verifies the first's tokens.
        auto const again = rsa_signing_key::from_pem(rsa);
        REQUIRE(again.has_value());
        CHECK(at(loaded->jwk_json(), "/n") == at(again->jwk_json(), "/n"));
        CHECK(loaded->thumbprint() == again->thumbprint());
        CHECK(again->verify_jwt(loaded->sign_jwt(R"({"a":1})")));
        auto const ec = rsa_signing_key::from_pem(pem_of(EVP_EC_gen("P-256")));
        REQUIRE_FALSE(ec.has_value());
        CHECK(ec.error().find("not an RSA key") != std::string::npos);
        auto const short_key = rsa_signing_key::from_pem(pem_of(EVP_RSA_gen(1024)));
        REQUIRE_FALSE(short_key.has_value());
        CHECK(short_key.error().find("2048") != std::string::npos);
    }

    TEST_CASE("an application's token carries the claims of the reference")
    {
        auto const tenant = tenant_id_of("contoso.com");
        auto const c = application_claims("11111111-2222-3333-4444-555555555555", tenant,
                                          "https://api.skypeforbusiness.com", noon);
        auto const json = claims_json(c);
        CHECK(at(json, "/aud") == "https://api.skypeforbusiness.com");
        CHECK(at(json, "/iss") == "https://sts.windows.net/" + tenant + "/");
        CHECK(at(json, "/idp") == at(json, "/iss"));
        CHECK(at(json, "/appid") == "11111111-2222-3333-4444-555555555555");
        CHECK(at(json, "/appidacr") == "1");
        CHECK(at(json, "/tid") == tenant);
        CHECK(at(json, "/ver") == "1.0");
        CHECK(at(json, "/oid") == at(json, "/sub"));
        CHECK(is_uuid(at(json, "/oid")));
        CHECK(at(json, "/upn").empty());
        CHECK(number_at(json, "iat") == 1796126400);
        CHECK(number_at(json, "nbf") == 1796126400);
        CHECK(number_at(json, "exp") == 1796126400 + 3599);
    }

    TEST_CASE("a user's token adds upn unique_name and scp")
    {
        auto const c = user_claims("22222222-2222-3333-4444-555555555555", tenant_id_of("contoso.com"),
                                   "https://webdir.online.lync.com", "alice@contoso.com", "Alice Smith", noon);
        auto const json = claims_json(c);
        CHECK(at(json, "/upn") == "alice@contoso.com");
        CHECK(at(json, "/unique_name") == "alice@contoso.com");
        CHECK(at(json, "/scp") == "user_impersonation");
        CHECK(at(json, "/name") == "Alice Smith");
        CHECK(at(json, "/appidacr") == "0");
        CHECK(at(json, "/oid") != at(json, "/sub"));
    }

    TEST_CASE("a callback's token is for the application's client id from Skype for Business Online for 3900 s")
    {
        auto const c = callback_claims("33333333-2222-3333-4444-555555555555", tenant_id_of("contoso.com"), noon);
        auto const json = claims_json(c);
        CHECK(at(json, "/aud") == "33333333-2222-3333-4444-555555555555");
        CHECK(at(json, "/appid") == "00000004-0000-0ff1-ce00-000000000000");
        CHECK(at(json, "/appidacr") == "2");
        CHECK(at(json, "/iss") == "https://sts.windows.net/" + tenant_id_of("contoso.com") + "/");
        CHECK(number_at(json, "exp") - number_at(json, "iat") == 3900);
    }

    TEST_CASE("a callback's token is reused for ten minutes then signed again")
    {
        aad_authority const& aad = authority();
        auto const tenant = tenant_id_of("contoso.com");
        auto const first = aad.callback_token("44444444-2222-3333-4444-555555555555", tenant, noon);
        CHECK(aad.callback_token("44444444-2222-3333-4444-555555555555", tenant, noon + 599s) == first);
        CHECK(aad.callback_token("55555555-2222-3333-4444-555555555555", tenant, noon + 1s) != first);
        auto const later = aad.callback_token("44444444-2222-3333-4444-555555555555", tenant, noon + 600s);
        CHECK(later != first);
        auto const claims = aad.verify(later, noon + 601s, {}, false);
        REQUIRE(claims.has_value());
        CHECK(claims->iat == 1796126400 + 600);
        CHECK(claims->aud == "44444444-2222-3333-4444-555555555555");
        // A clock that went back does not get a token from its future.
        CHECK(aad.callback_token("44444444-2222-3333-4444-555555555555", tenant, noon) != later);
    }

    TEST_CASE("verify checks the signature then nbf exp and the audience at the given time")
    {
        auto const c =
            application_claims("11111111-2222-3333-4444-555555555555", "t", "https://api.skypeforbusiness.com", noon);
        auto const token = authority().sign(c);
        auto const good = authority().verify(token, noon + 10s);
        REQUIRE(good.has_value());
        CHECK(good->appid == "11111111-2222-3333-4444-555555555555");
        CHECK(authority().verify(token, noon + 3598s).has_value());
        CHECK(authority().verify(token, noon + 3599s).error() == aad_token_problem::expired);
        CHECK(authority().verify(token, noon - 1s).error() == aad_token_problem::not_yet_valid);
        aad_authority other;
        CHECK(other.verify(token, noon).error() == aad_token_problem::not_signed);

        auto const elsewhere = authority().sign(application_claims("x", "t", "https://graph.microsoft.com", noon));
        CHECK(authority().verify(elsewhere, noon).error() == aad_token_problem::wrong_audience);
        CHECK(authority().verify(elsewhere, noon, {}, false).has_value());
        CHECK(authority().verify(authority().key().sign_jwt(R"({"aud":"x"})"), noon).error() ==
              aad_token_problem::malformed);
    }

    TEST_CASE("the accepted resources are Skype for Business Online's and the mock's own origins")
    {
        for(char const* yes : {"00000004-0000-0ff1-ce00-000000000000", "https://api.skypeforbusiness.com",
                               "https://api.skypeforbusiness.com/", "https://NOAMmeetings.resources.lync.com",
                               "https://webdir0b.online.lync.com", "https://webpoolbl20e01.infra.lync.com",
                               "http://127.0.0.1:8080", "https://localhost"})
        {
            CAPTURE(yes);
            CHECK(is_accepted_resource(yes));
        }
        CHECK(is_accepted_resource("https://mock.example.test:8443", "mock.example.test:8443"));
        // A host of a fixtures' domain, as an Online client asks for the webdir it calls.
        std::vector<std::string> const domains{"contoso.com"};
        CHECK(is_accepted_resource("https://webdir.contoso.com", {}, domains));
        CHECK(is_accepted_resource("https://contoso.com:8443", {}, domains));
        CHECK_FALSE(is_accepted_resource("https://webdir.contoso.com", {}));
        CHECK_FALSE(is_accepted_resource("https://evilcontoso.com", {}, domains));
        CHECK(aad_authority(std::nullopt, domains).accepts("https://webpool1.contoso.com"));
        for(char const* no :
            {"https://graph.microsoft.com", "https://evil-lync.com", "https://webdir.online.lync.com/x",
             "ftp://localhost", "", "api.skypeforbusiness.com", "https://user@localhost"})
        {
            CAPTURE(no);
            CHECK_FALSE(is_accepted_resource(no));
        }
    }
}
