// The demo's SMS outbox gateway, the login and activation texts in three languages, and phone masking
// (sms_gateway.hpp).
#include "server/sms_gateway.hpp"

namespace sls::server {

Status OutboxSmsGateway::send(std::string_view phone, std::string_view text) {
  OutboxRecord m{0, clock_.now(), std::string(phone), std::string(text)};
  return store_.write([&](StoreTx& tx) { return tx.append_outbox(m); });
}

std::string sms_login_text(std::string_view code, std::int64_t valid_minutes, Lang lang) {
  const std::string c(code), m = std::to_string(valid_minutes);
  switch (lang) {
    case Lang::zh_Hant: return "SLS 登入代碼：" + c + "。" + m + " 分鐘內有效。請勿告訴任何人。";
    case Lang::zh_Hans: return "SLS 登录代码：" + c + "。" + m + " 分钟内有效。请勿告诉任何人。";
    case Lang::en: break;
  }
  return "SLS login code: " + c + ". It expires in " + m + " minutes. Never share it.";
}

std::string sms_activation_text(std::string_view code, Lang lang) {
  const std::string c(code);
  switch (lang) {
    case Lang::zh_Hant: return "Mobile Key 啟用碼：" + c + "。請只在 Mobile Key 應用程式中輸入。";
    case Lang::zh_Hans: return "Mobile Key 激活码：" + c + "。请只在 Mobile Key 应用程序中输入。";
    case Lang::en: break;
  }
  return "Mobile Key activation code: " + c + ". Enter it in the Mobile Key app only.";
}

std::string mask_phone(std::string_view phone) {
  std::string digits;
  for (char ch : phone)
    if (ch >= '0' && ch <= '9') digits += ch;
  if (digits.size() <= 4) return digits;
  std::string out;
  for (std::size_t i = 0; i + 4 < digits.size(); ++i) out += "\xE2\x80\xA2";  // U+2022 bullet
  out += digits.substr(digits.size() - 4);
  return out;
}

}  // namespace sls::server
