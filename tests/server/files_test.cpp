// Issue 7 findings 8 and 11 with real files and the real binaries: a user
// name that would forge audit lines is refused everywhere and `slsctl audit`
// prints every field escaped; the database, its -wal and -shm files and
// printed cards are 0600, and a database others may read is refused.
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "phone.hpp"
#include "server/sqlite_store.hpp"
#include "server/user_name.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

/// What a command printed on standard output and standard error, and how it ended.
struct CommandRun {
  int exit_code = -1;
  std::string out;
};

/// Runs a shell command line; its stderr goes to the output too.
CommandRun run(const std::string& command) {
  CommandRun r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// The permission bits of a file, or -1 when it does not exist.
int mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

/// Sets the process umask for the scope (tests run with a permissive one, as
/// a careless service account would).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

std::string slsctl(const TestServer& s) {
  return std::string(SLS_SLSCTL_PATH) + " --db " + s.db_path() + " --master-key " + s.master_key_path() +
         " --sign-key " + s.sign_key_path();
}

// --- finding 8: user names and the audit log ---------------------------------------------------

TEST(UserName, OnePrintableUtf8RuleForEveryEntryPoint) {
  for (std::string_view good : {"a", "mia", "demo-dsc-plus", "王小明", "Zoë Smith", "user@example.com"})
    EXPECT_TRUE(check_user_name(good)) << good;
  EXPECT_TRUE(check_user_name(std::string(64, 'a')));
  const std::string bad[] = {
      "",
      std::string(65, 'a'),
      std::string(22, '\0') + "x",
      "mia\n",
      "mia\r",
      "mi\ta",
      "\x1b[2Kmia",
      "mia\x7f",
      "mia\xc2\x85",      // U+0085, a C1 control (NEL)
      "mia\xc2\x9b",      // U+009B, CSI
      "mia\xe2\x80\xae",  // U+202E right-to-left override
      "mia\xe2\x81\xa6",  // U+2066 left-to-right isolate
      "mia\xe2\x81\xa9",  // U+2069 pop directional isolate
      "mia\xe2\x80\xa8",  // U+2028 line separator
      "mia\xff",          // invalid UTF-8
      "mia\xc0\xaf",      // overlong '/'
      "mia\xed\xa0\x80",  // a surrogate
      "mia\xe7\x8e",      // truncated sequence
  };
  for (const std::string& name : bad) {
    auto r = check_user_name(name);
    ASSERT_FALSE(r) << escape_for_terminal(name);
    EXPECT_EQ(r.code(), Errc::user_bad_name);
    EXPECT_TRUE(r.error().args.empty()) << "the name is not echoed";
  }
}

TEST(UserName, EscapingKeepsEveryFieldOnOneInertLine) {
  EXPECT_EQ(escape_for_terminal("王小明 ok"), "王小明 ok");
  EXPECT_EQ(escape_for_terminal("a\nb\r\tc\\"), "a\\nb\\r\\tc\\\\");
  EXPECT_EQ(escape_for_terminal("\x1b[2K\x7f"), "\\x1b[2K\\x7f");
  EXPECT_EQ(escape_for_terminal("x\xc2\x9b"
                                "y\xe2\x80\xae"
                                "z\xe2\x80\xa8"),
            "x\\u{009b}y\\u{202e}z\\u{2028}");
  EXPECT_EQ(escape_for_terminal("\xff\xc0\xaf"), "\\xff\\xc0\\xaf");
  for (int b = 0; b < 256; ++b) {
    const std::string escaped = escape_for_terminal(std::string(1, static_cast<char>(b)) + "\xe2\x81\xa6");
    for (char c : escaped) EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) << b;
  }
}

/// A user name carrying a fake audit line: a newline, a forged row, and
/// escape codes that move the cursor up and erase what was printed.
const std::string kForgedName =
    "mia\n2026-01-05T09:00:01Z user.unlocked        ok   user=mia device= client=admin \x1b[1A\x1b[2K\x1b[8m";

TEST(ForgedAuditLine, ActivationWithAControlCharacterNameIsRefusedAndSlsctlPrintsOneLinePerRow) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("mia", "correct horse"));
  auto enrolment = s.admin().enrol_mobile_key("mia");
  ASSERT_TRUE(enrolment);
  Phone phone;
  // The attack: Mobile Key activation with the forged name.
  Reply forged = activate_phone(s, phone, kForgedName, enrolment->activation_code);
  EXPECT_EQ(forged.status, 400) << forged.raw;
  EXPECT_EQ(forged.code(), "user.bad_name");
  Reply login = s.login(kForgedName);
  EXPECT_EQ(login.status, 400) << login.raw;
  EXPECT_EQ(login.code(), "user.bad_name");
  // A name with a bidirectional override that a person would read as "mia".
  EXPECT_EQ(activate_phone(s, phone,
                           "\xe2\x80\xae"
                           "aim",
                           enrolment->activation_code)
                .code(),
            "user.bad_name");
  // An unknown but well-formed name is not stored as typed either.
  EXPECT_EQ(activate_phone(s, phone, "no-such-user", enrolment->activation_code).status, 401);

  const std::size_t rows = s.audit().size();
  for (const AuditRecord& a : s.audit()) {
    EXPECT_EQ(a.username.find('\n'), std::string::npos);
    EXPECT_NE(a.username, "no-such-user");
  }
  CommandRun audit = run(slsctl(s) + " audit --limit 1000");
  ASSERT_EQ(audit.exit_code, 0) << audit.out;
  const auto lines = lines_of(audit.out);
  EXPECT_EQ(lines.size(), rows) << audit.out;
  const std::regex row(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ +\S+ +user=.*)");
  for (const std::string& line : lines) {
    EXPECT_TRUE(std::regex_match(line, row)) << line;
    EXPECT_EQ(line.find("user.unlocked"), std::string::npos) << line;
    for (char c : line) EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) << line;
  }
  // The activation still works with the real name.
  EXPECT_EQ(activate_phone(s, phone, "mia", enrolment->activation_code).status, 200);
}

TEST(ForgedAuditLine, AnyStoredControlCharacterIsPrintedEscaped) {
  // A row written before names were checked (or by another tool): printing it
  // must still give one inert line.
  TestServer s;
  AuditRecord a;
  a.at = kStartTime;
  a.event = "device.activated";
  a.outcome = "fail";
  a.username = kForgedName;
  a.client_addr = "127.0.0.1\r";
  a.detail =
      "x\xe2\x80\xae"
      "y";
  ASSERT_TRUE(s.store().write([&](StoreTx& tx) { return tx.append_audit(a); }));
  CommandRun audit = run(slsctl(s) + " audit");
  ASSERT_EQ(audit.exit_code, 0) << audit.out;
  const auto lines = lines_of(audit.out);
  ASSERT_EQ(lines.size(), 1u) << audit.out;
  EXPECT_NE(lines[0].find("user=mia\\n2026-01-05T09:00:01Z user.unlocked"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\\x1b[1A\\x1b[2K\\x1b[8m"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("client=127.0.0.1\\r"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("x\\u{202e}y"), std::string::npos) << lines[0];
}

TEST(ForgedAuditLine, AdminCommandsRefuseTheNameToo) {
  TempDir dir;
  const std::string ctl =
      std::string(SLS_SLSCTL_PATH) + " --db " + dir.file("db.sqlite") + " --argon2-ops 1 --argon2-mem-mib 8 ";
  CommandRun create = run(ctl + "create-user \"$(printf 'mia\\n2026-01-05T09:00:01Z user.unlocked')\" --password x");
  EXPECT_NE(create.exit_code, 0);
  EXPECT_NE(create.out.find("user.bad_name"), std::string::npos) << create.out;
  EXPECT_EQ(create.out.find('\x1b'), std::string::npos);
  CommandRun unlock = run(ctl + "unlock \"$(printf '\\033[2Kmia')\"");
  EXPECT_NE(unlock.exit_code, 0);
  EXPECT_NE(unlock.out.find("user.bad_name"), std::string::npos) << unlock.out;
}

// --- finding 11: files readable by everyone -----------------------------------------------------

TEST(PrivateFiles, AFreshDatabaseItsWalAndShmAreOwnerOnlyWhateverTheUmask) {
  TempDir dir;
  const std::string db = dir.file("slsd.sqlite");
  ScopedUmask permissive(022);
  auto store = SqliteStore::open(db);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->write([](StoreTx& tx) -> Status {
    UserRecord u;
    u.username = "mia";
    u.password_hash = "x";
    auto id = tx.insert_user(u);
    return id ? ok_status() : Status(id.error());
  }));
  // The connection is open: SQLite keeps the -wal and -shm files.
  EXPECT_EQ(mode_of(db), 0600);
  EXPECT_EQ(mode_of(db + "-wal"), 0600);
  EXPECT_EQ(mode_of(db + "-shm"), 0600);
}

TEST(PrivateFiles, ADatabaseOthersMayReadOrWriteIsRefusedNamingTheFileAndTheFix) {
  TempDir dir;
  const std::string db = dir.file("slsd.sqlite");
  ASSERT_TRUE(SqliteStore::open(db));
  for (mode_t mode : {0644U, 0640U, 0604U, 0620U, 0602U}) {
    ASSERT_EQ(::chmod(db.c_str(), mode), 0);
    auto refused = SqliteStore::open(db);
    ASSERT_FALSE(refused) << std::oct << mode;
    EXPECT_EQ(refused.code(), Errc::bad_argument);
    const auto& args = refused.error().args;
    ASSERT_EQ(args.size(), 3u);
    EXPECT_EQ(args[0], "database file");
    EXPECT_EQ(args[1], db);
    EXPECT_NE(args[2].find("chmod 600 " + db), std::string::npos) << args[2];
  }
  ASSERT_EQ(::chmod(db.c_str(), 0600), 0);
  EXPECT_TRUE(SqliteStore::open(db));
  // A -wal file left world-readable by an older server is refused as well.
  { std::ofstream(db + "-wal").flush(); }
  ASSERT_EQ(::chmod((db + "-wal").c_str(), 0644), 0);
  auto wal = SqliteStore::open(db);
  ASSERT_FALSE(wal);
  EXPECT_EQ(wal.error().args.at(1), db + "-wal");
}

TEST(PrivateFiles, SlsdRefusesToStartOnASharedDatabase) {
  TempDir dir;
  const std::string db = dir.file("slsd.sqlite");
  ASSERT_TRUE(SqliteStore::open(db));
  ASSERT_EQ(::chmod(db.c_str(), 0644), 0);
  // `timeout`: a server that wrongly starts would otherwise serve forever.
  CommandRun slsd = run("timeout 10 " + std::string(SLS_SLSD_PATH) + " --port 0 --db " + db);
  EXPECT_EQ(slsd.exit_code, 1) << slsd.out;
  EXPECT_NE(slsd.out.find(db), std::string::npos) << slsd.out;
  EXPECT_NE(slsd.out.find("chmod 600"), std::string::npos) << slsd.out;
  EXPECT_EQ(slsd.out.find("listening"), std::string::npos) << slsd.out;
}

TEST(PrivateFiles, TheAssertionKeyFileIsOwnerOnlyAndSlsdRefusesALooseOrDamagedOne) {
  TempDir dir;
  const std::string db = dir.file("slsd.sqlite");
  const std::string keys = db + ".assertion-keys";
  const std::string ctl = "umask 022; " + std::string(SLS_SLSCTL_PATH) + " --db " + db + " ";
  CommandRun rotate = run(ctl + "rotate-assertion-key");
  ASSERT_EQ(rotate.exit_code, 0) << rotate.out;
  EXPECT_EQ(mode_of(keys), 0600);
  CommandRun again = run(ctl + "rotate-assertion-key --max-ttl 30 --lead 0");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(mode_of(keys), 0600) << "the replacement is owner-only too";
  EXPECT_NE(again.out.find("\"max_ttl\":30"), std::string::npos) << again.out;
  CommandRun signed_ok = run(ctl + "sign-assertion --iss https://l.example --aud a --sub mia --ttl 30");
  EXPECT_EQ(signed_ok.exit_code, 0) << signed_ok.out;
  CommandRun too_long = run(ctl + "sign-assertion --iss https://l.example --aud a --sub mia --ttl 31");
  EXPECT_NE(too_long.exit_code, 0) << too_long.out;
  // By default the new key signs 300 s after it is published; the old one
  // (max_ttl 30) signs until then.
  const std::int64_t before = std::time(nullptr);
  CommandRun led = run(ctl + "rotate-assertion-key --max-ttl 60");
  ASSERT_EQ(led.exit_code, 0) << led.out;
  auto printed = json_parse(led.out);
  ASSERT_TRUE(printed) << led.out;
  EXPECT_GE(*printed->get_int("signs_from"), before + 300) << led.out;
  EXPECT_LE(*printed->get_int("signs_from"), std::time(nullptr) + 300) << led.out;
  EXPECT_NE(run(ctl + "sign-assertion --iss https://l.example --aud a --sub mia --ttl 31").exit_code, 0);
  EXPECT_NE(run(ctl + "rotate-assertion-key --lead -1").exit_code, 0);

  const std::string slsd = "timeout 10 " + std::string(SLS_SLSD_PATH) + " --port 0 --db " + db;
  ASSERT_EQ(::chmod(keys.c_str(), 0640), 0);
  CommandRun loose = run(slsd);
  EXPECT_EQ(loose.exit_code, 1) << loose.out;
  EXPECT_NE(loose.out.find("chmod 600 " + keys), std::string::npos) << loose.out;
  EXPECT_EQ(loose.out.find("listening"), std::string::npos) << loose.out;
  EXPECT_NE(run(ctl + "sign-assertion --iss https://l.example --aud a --sub mia").exit_code, 0);
  EXPECT_NE(run(ctl + "rotate-assertion-key").exit_code, 0);

  ASSERT_EQ(::chmod(keys.c_str(), 0600), 0);
  { std::ofstream(keys, std::ios::app) << "x"; }
  CommandRun damaged = run(slsd);
  EXPECT_EQ(damaged.exit_code, 1) << damaged.out;
  EXPECT_NE(damaged.out.find(keys), std::string::npos) << damaged.out;
  EXPECT_NE(damaged.out.find("wrong size"), std::string::npos) << damaged.out;
  EXPECT_EQ(damaged.out.find("listening"), std::string::npos) << damaged.out;
}

// Finding 10's policy file: slsd refuses to start on one it cannot apply.
TEST(PolicyFile, SlsdRefusesToStartOnABadPolicyWithAClearMessage) {
  TempDir dir;
  const std::string policy = dir.file("policy.json");
  { std::ofstream(policy) << R"({"withdrawal_limits": {"sms": {"daily_usd": 300000}}})"; }
  const std::string slsd = "timeout 10 " + std::string(SLS_SLSD_PATH) + " --port 0 --db " + dir.file("db.sqlite");
  CommandRun raised = run(slsd + " --policy " + policy);
  EXPECT_EQ(raised.exit_code, 2) << raised.out;
  EXPECT_NE(raised.out.find("--policy " + policy), std::string::npos) << raised.out;
  EXPECT_NE(raised.out.find("can only lower limits"), std::string::npos) << raised.out;
  EXPECT_EQ(raised.out.find("listening"), std::string::npos) << raised.out;
  CommandRun missing = run(slsd + " --policy " + dir.file("nope.json"));
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  EXPECT_NE(missing.out.find("cannot read it"), std::string::npos) << missing.out;
}

// The compliance review rule is checked at start (docs/sharing.md).
TEST(SharingConfig, SlsdRefusesAnUnknownReviewRule) {
  TempDir dir;
  const std::string slsd = "timeout 10 " + std::string(SLS_SLSD_PATH) + " --port 0 --db " + dir.file("db.sqlite");
  for (const char* rule : {"sometimes", "Never", "''"}) {
    CommandRun r = run(slsd + " --sharing-review " + rule);
    EXPECT_EQ(r.exit_code, 2) << rule << " " << r.out;
    EXPECT_NE(r.out.find("--sharing-review is never, cross-entity or always"), std::string::npos) << r.out;
  }
}

// Issue 10: the assertion audiences are checked at start, not at the first login.
TEST(AssertionConfig, SlsdRefusesABadOrRepeatedAudienceAndABadTtl) {
  TempDir dir;
  const std::string slsd = "timeout 10 " + std::string(SLS_SLSD_PATH) + " --port 0 --db " + dir.file("db.sqlite");
  CommandRun spaced = run(slsd + " --assertion-audience 'https://a.example b'");
  EXPECT_EQ(spaced.exit_code, 2) << spaced.out;
  EXPECT_NE(spaced.out.find("--assertion-audience \"https://a.example b\""), std::string::npos) << spaced.out;
  CommandRun twice = run(slsd +
                         " --assertion-audience https://a.example --assertion-audience=https://b.example "
                         "--assertion-audience https://a.example");
  EXPECT_EQ(twice.exit_code, 2) << twice.out;
  EXPECT_NE(twice.out.find("\"https://a.example\" given twice"), std::string::npos) << twice.out;
  CommandRun ttl = run(slsd + " --assertion-ttl 0");
  EXPECT_EQ(ttl.exit_code, 2) << ttl.out;
  EXPECT_NE(ttl.out.find("--assertion-ttl must be"), std::string::npos) << ttl.out;
  CommandRun help = run(std::string(SLS_SLSD_PATH) + " --help");
  EXPECT_NE(help.out.find("--assertion-audience AUD"), std::string::npos);
  EXPECT_NE(help.out.find("--assertion-ttl S"), std::string::npos);
  EXPECT_NE(help.out.find("--step-up-window S"), std::string::npos);
  CommandRun window = run(slsd + " --step-up-window 0");
  EXPECT_EQ(window.exit_code, 2) << window.out;
}

TEST(PrivateFiles, SlsctlCreatesDatabaseKeysAndPrintedCardsOwnerOnly) {
  TempDir dir;
  const std::string db = dir.file("slsd.sqlite");
  const std::string card = dir.file("card.html");
  const std::string old_card = dir.file("old-card.html");
  { std::ofstream(old_card) << "an earlier card"; }
  ASSERT_EQ(::chmod(old_card.c_str(), 0644), 0);
  const std::string ctl =
      "umask 022; " + std::string(SLS_SLSCTL_PATH) + " --db " + db + " --argon2-ops 1 --argon2-mem-mib 8 ";
  ASSERT_EQ(run(ctl + "create-user mia --password x").exit_code, 0);
  CommandRun enrol = run(ctl + "enroll mia code_card --out " + card);
  ASSERT_EQ(enrol.exit_code, 0) << enrol.out;
  CommandRun again = run(ctl + "enroll mia online_card --out " + old_card);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  // An online card is issued pending, with the two activation indices.
  EXPECT_NE(again.out.find("activate in the security centre with the codes at "), std::string::npos) << again.out;
  EXPECT_EQ(mode_of(card), 0600);
  EXPECT_EQ(mode_of(old_card), 0600) << "an existing file is made private before the card goes in";
  EXPECT_EQ(mode_of(db), 0600);
  EXPECT_EQ(mode_of(db + ".master-key"), 0600);
  EXPECT_EQ(mode_of(db + ".sign-key"), 0600);
  std::ifstream in(card);
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("mia"), std::string::npos);
}

// `--out` to something that is not a regular file (here a FIFO, as /dev/null
// or a pipe would be) writes the card there and leaves its mode alone: slsctl
// once made /dev/null owner-only, and every other user's writes there failed.
TEST(PrivateFiles, SlsctlLeavesTheModeOfAPipeOrDeviceItWritesTo) {
  TempDir dir;
  const std::string db = dir.file("slsd.sqlite");
  const std::string fifo = dir.file("card.fifo");
  const std::string copy = dir.file("copy.html");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(fifo.c_str(), 0644), 0);
  const std::string ctl = std::string(SLS_SLSCTL_PATH) + " --db " + db + " --argon2-ops 1 --argon2-mem-mib 8 ";
  ASSERT_EQ(run(ctl + "create-user mia --password x").exit_code, 0);
  CommandRun enrol = run("(cat " + fifo + " > " + copy + " &) ; " + ctl + "enroll mia code_card --out " + fifo);
  ASSERT_EQ(enrol.exit_code, 0) << enrol.out;
  EXPECT_EQ(mode_of(fifo), 0644);
  for (int i = 0; i < 100 && std::filesystem::file_size(copy) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ifstream in(copy);
  std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("mia"), std::string::npos);
}

// --- issue 10: slsctl sessions and revoke-sessions ---------------------------------------------

TEST(SlsctlSessions, ListsWithoutIdsAndRevokeEndsThemAtOnce) {
  TestServer s;
  // slsctl reads the system clock: the server's runs at the same time.
  const std::int64_t now = std::time(nullptr);
  s.clock().advance_seconds(now - kStartTime);
  ASSERT_TRUE(s.admin().create_user("olive", "correct horse", true));
  ASSERT_TRUE(s.admin().create_user("other", "correct horse", true));
  std::vector<std::string> cookies;
  for (const char* user : {"olive", "olive", "other"}) {
    Reply login = s.login(user);
    Reply done = s.complete(login.str("login_id"), login.str("completion_token"));
    ASSERT_EQ(done.status, 200) << done.raw;
    std::string c = done.header("Set-Cookie");
    cookies.push_back(c.substr(c.find('=') + 1, c.find(';') - c.find('=') - 1));
  }
  auto get = [&](const std::string& cookie) {
    return s.get("/api/v1/session", {{"Cookie", "sls_session=" + cookie}}).status;
  };
  for (const auto& c : cookies) ASSERT_EQ(get(c), 200);

  CommandRun list = run(slsctl(s) + " sessions olive");
  ASSERT_EQ(list.exit_code, 0) << list.out;
  const auto lines = lines_of(list.out);
  ASSERT_EQ(lines.size(), 2u) << list.out;
  const std::regex row(R"(^created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  last seen \S+  idle until \S+  ends \S+  none .*)");
  for (const std::string& line : lines) EXPECT_TRUE(std::regex_match(line, row)) << line;
  for (const auto& c : cookies) EXPECT_EQ(list.out.find(c), std::string::npos) << "never the id";

  CommandRun revoke = run(slsctl(s) + " revoke-sessions olive");
  ASSERT_EQ(revoke.exit_code, 0) << revoke.out;
  EXPECT_NE(revoke.out.find("olive: 2 sessions ended"), std::string::npos) << revoke.out;
  EXPECT_EQ(get(cookies[0]), 401);
  EXPECT_EQ(get(cookies[1]), 401);
  EXPECT_EQ(get(cookies[2]), 200) << "another user's session stays";
  EXPECT_TRUE(lines_of(run(slsctl(s) + " sessions olive").out).empty());
  bool audited = false;
  for (const AuditRecord& a : s.audit())
    audited = audited || (a.event == "session.revoked" && a.username == "olive" && a.client_addr == "slsctl");
  EXPECT_TRUE(audited);
  EXPECT_NE(run(slsctl(s) + " sessions nobody").exit_code, 0);
}

// --- issue 11: slsctl accounts and identification data -----------------------------------------

TEST(SlsctlAccounts, CreatesAccountsAndSealsIdentificationFromStdinOrAFile) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("alice", "correct horse"));
  ASSERT_TRUE(s.admin().create_user("bob", "correct horse"));
  CommandRun created = run(slsctl(s) + " create-account joint alice");
  ASSERT_EQ(created.exit_code, 0) << created.out;
  CommandRun added = run(slsctl(s) + " add-account-user joint bob");
  ASSERT_EQ(added.exit_code, 0) << added.out;
  EXPECT_NE(run(slsctl(s) + " create-account joint bob").exit_code, 0) << "a name is taken once";
  EXPECT_NE(run(slsctl(s) + " add-account-user joint bob").exit_code, 0) << "a user is on an account once";
  CommandRun list = run(slsctl(s) + " accounts bob");
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find("joint"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("primary alice"), std::string::npos) << list.out;

  // From stdin and from a file; never echoed, never audited.
  const std::string id = R"({"date_of_birth":"1980-04-30","citizenship":"HK","legal_residence":"HK",)"
                         R"("id_document_type":"passport","id_document_number":"K7654321"})";
  CommandRun from_stdin = run("printf '%s' '" + id + "' | " + slsctl(s) + " set-identity alice --identity-stdin");
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.out;
  EXPECT_EQ(from_stdin.out.find("K7654321"), std::string::npos) << from_stdin.out;
  TempDir dir;
  {
    std::ofstream f(dir.file("id.json"));
    f << R"({"date_of_birth":"1980-13-30","citizenship":"HK","legal_residence":"HK",)"
         R"("id_document_type":"passport","id_document_number":"K7654321"})";
  }
  CommandRun bad = run(slsctl(s) + " set-identity bob --identity-file " + dir.file("id.json"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("date_of_birth"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("1980-13-30"), std::string::npos) << "the field is named, its value never shown";
  EXPECT_EQ(run(slsctl(s) + " set-identity bob").exit_code, 2) << "no source: a usage error";
  CommandRun audit = run(slsctl(s) + " audit");
  EXPECT_NE(audit.out.find("user.identification_set"), std::string::npos) << audit.out;
  EXPECT_EQ(audit.out.find("K7654321"), std::string::npos) << audit.out;
  EXPECT_EQ(audit.out.find("1980-04-30"), std::string::npos) << audit.out;
}

// Compliance review with the real slsctl (docs/sharing.md): the pending
// list, one decision per request, the audit rows, and revoking the device.
TEST(SlsctlSharing, ListsPendingRequestsDecidesEachOnceAndRevokingEndsThem) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("alice", "correct horse"));
  ASSERT_TRUE(s.admin().create_user("bob", "correct horse"));
  auto token = s.admin().enrol_token("alice", DeviceKind::dsc);
  ASSERT_TRUE(token);
  ASSERT_TRUE(s.admin().enrol_card("bob", DeviceKind::code_card));
  const IdentificationData person{"1980-04-30", "HK", "HK", "passport", "K7654321", "", false};
  ASSERT_TRUE(s.admin().set_identification("alice", person));
  ASSERT_TRUE(s.admin().set_identification("bob", person));
  const std::string id = "shareAAAAAAAAAAAAAAAAA";
  ASSERT_TRUE(s.store().write([&](StoreTx& tx) {
    return tx.insert_sharing(
        SharingRecord{id, 1, 2, token->device_id, SharingStatus::pending, "identification", s.clock().now(), 0, 0, ""});
  }));
  CommandRun pending = run(slsctl(s) + " sharing list --pending");
  ASSERT_EQ(pending.exit_code, 0) << pending.out;
  EXPECT_NE(pending.out.find(id), std::string::npos) << pending.out;
  EXPECT_NE(pending.out.find("bob wants alice's dsc " + token->serial), std::string::npos) << pending.out;
  CommandRun approved = run(slsctl(s) + " sharing approve " + id);
  ASSERT_EQ(approved.exit_code, 0) << approved.out;
  for (const char* again : {" sharing approve ", " sharing reject "}) {
    CommandRun twice = run(slsctl(s) + again + id);
    EXPECT_EQ(twice.exit_code, 1) << twice.out;
    EXPECT_NE(twice.out.find("sharing.not_pending"), std::string::npos) << twice.out;
  }
  EXPECT_EQ(run(slsctl(s) + " sharing approve nosuchid").exit_code, 1);
  EXPECT_EQ(run(slsctl(s) + " sharing approve").exit_code, 2) << "no id: a usage error";
  EXPECT_TRUE(lines_of(run(slsctl(s) + " sharing list --pending").out).empty());
  EXPECT_NE(run(slsctl(s) + " sharing list").out.find("approved"), std::string::npos);
  CommandRun revoked = run(slsctl(s) + " revoke-device alice " + token->device_id);
  ASSERT_EQ(revoked.exit_code, 0) << revoked.out;
  EXPECT_NE(revoked.out.find("1 sharing ended"), std::string::npos) << revoked.out;
  EXPECT_NE(run(slsctl(s) + " sharing list").out.find("ended"), std::string::npos);
  CommandRun audit = run(slsctl(s) + " audit");
  for (const char* event : {"sharing.approved", "sharing.ended", "device.revoked"})
    EXPECT_NE(audit.out.find(event), std::string::npos) << event << "\n" << audit.out;
  EXPECT_EQ(audit.out.find("K7654321"), std::string::npos) << audit.out;
}

}  // namespace
}  // namespace sls::server::testing
