#pragma once
// The reference startMessaging page's request bodies, byte for byte (facts of the
// protocol, kept where both unit and end-to-end tests can use them).

#include <string>

namespace ucwa::test {

inline std::string
reference_json_body()
{
    return "{\n"
           " \"operationId\" : \"74cb7404e0a247d5a2d4eb0376a47dbf\",\n"
           " \"to\" : \"sip:john@contoso.com\",\n"
           " \"importance\" : \"Urgent\",\n"
           " \"subject\" : \"Skype for Business\",\n"
           " \"threadId\" : \"292e0aaef36c426a97757f43dda19d06\",\n"
           " \"_links\" : {\n"
           " \"message\" : {\n"
           " \"href\" : \"data:text/plain;base64,somebase64encodedmessage\"\n"
           " }\n"
           " }\n"
           "}";
}

inline std::string
reference_xml_body()
{
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n"
           " <property name=\"operationId\">74cb7404e0a247d5a2d4eb0376a47dbf</property>\n"
           " <property name=\"to\">sip:john@contoso.com</property>\n"
           " <property name=\"importance\">Normal</property>\n"
           " <property name=\"subject\">Skype for Business</property>\n"
           " <property name=\"threadId\">292e0aaef36c426a97757f43dda19d06</property>\n"
           "</input>";
}

} // namespace ucwa::test
