#include "jwt.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

namespace ucwa {

std::string
base64url(std::string_view bytes)
{
    std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
    auto const n = EVP_EncodeBlock(out.data(), reinterpret_cast<unsigned char const*>(bytes.data()),
                                   static_cast<int>(bytes.size()));
    std::string text(reinterpret_cast<char const*>(out.data()), static_cast<std::size_t>(n));
    while(!text.empty() && text.back() == '=')
        text.pop_back();
    for(auto& c : text)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return text;
}

std::optional<std::string>
base64url_decode(std::string_view text)
{
    while(!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if(text.size() % 4 == 1)
        return std::nullopt;
    std::string padded;
    padded.reserve(text.size() + 3);
    for(auto c : text)
    {
        bool const alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if(!alnum && c != '-' && c != '_')
            return std::nullopt;
        padded += c == '-' ? '+' : c == '_' ? '/' : c;
    }
    auto const pad = (4 - padded.size() % 4) % 4;
    padded.append(pad, '=');
    std::vector<unsigned char> out(padded.size() / 4 * 3 + 1);
    auto const n = EVP_DecodeBlock(out.data(), reinterpret_cast<unsigned char const*>(padded.data()),
                                   static_cast<int>(padded.size()));
    if(n < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts the padding's zero bytes too.
    return std::string(reinterpret_cast<char const*>(out.data()), static_cast<std::size_t>(n) - pad);
}

std::string
make_hs256_jwt(std::string_view payload_json, std::string_view key)
{
    auto const signing_input = base64url(R"({"typ":"JWT","alg":"HS256"})") + "." + base64url(payload_json);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<unsigned char const*>(signing_input.data()), signing_input.size(), mac, &length);
    return signing_input + "." + base64url(std::string_view(reinterpret_cast<char const*>(mac), length));
}

std::optional<std::string>
jwt_payload(std::string_view token)
{
    auto const first = token.find('.');
    if(first == std::string_view::npos)
        return std::nullopt;
    auto const second = token.find('.', first + 1);
    if(second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::nullopt;
    return base64url_decode(token.substr(first + 1, second - first - 1));
}

} // namespace ucwa
