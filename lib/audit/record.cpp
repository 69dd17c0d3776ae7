#include "audit/record.hpp"

#include <algorithm>
#include <cstring>

namespace lae::audit {
namespace {

struct type_name {
    std::uint16_t type;
    std::string_view name;
};

// Record types and the names libaudit's tools print for them (libaudit's msg_typetab.h,
// audit 3.0.9, plus the types newer kernels' linux/audit.h added: REPLACE, DM_*, IPE_*,
// LANDLOCK_*, MAC_*_CONTEXTS). Sorted by type, for a binary search.
constexpr std::array type_names = {
    type_name{1005, "USER"},
    type_name{1006, "LOGIN"},
    type_name{1100, "USER_AUTH"},
    type_name{1101, "USER_ACCT"},
    type_name{1102, "USER_MGMT"},
    type_name{1103, "CRED_ACQ"},
    type_name{1104, "CRED_DISP"},
    type_name{1105, "USER_START"},
    type_name{1106, "USER_END"},
    type_name{1107, "USER_AVC"},
    type_name{1108, "USER_CHAUTHTOK"},
    type_name{1109, "USER_ERR"},
    type_name{1110, "CRED_REFR"},
    type_name{1111, "USYS_CONFIG"},
    type_name{1112, "USER_LOGIN"},
    type_name{1113, "USER_LOGOUT"},
    type_name{1114, "ADD_USER"},
    type_name{1115, "DEL_USER"},
    type_name{1116, "ADD_GROUP"},
    type_name{1117, "DEL_GROUP"},
    type_name{1118, "DAC_CHECK"},
    type_name{1119, "CHGRP_ID"},
    type_name{1120, "TEST"},
    type_name{1121, "TRUSTED_APP"},
    type_name{1122, "USER_SELINUX_ERR"},
    type_name{1123, "USER_CMD"},
    type_name{1124, "USER_TTY"},
    type_name{1125, "CHUSER_ID"},
    type_name{1126, "GRP_AUTH"},
    type_name{1127, "SYSTEM_BOOT"},
    type_name{1128, "SYSTEM_SHUTDOWN"},
    type_name{1129, "SYSTEM_RUNLEVEL"},
    type_name{1130, "SERVICE_START"},
    type_name{1131, "SERVICE_STOP"},
    type_name{1132, "GRP_MGMT"},
    type_name{1133, "GRP_CHAUTHTOK"},
    type_name{1134, "MAC_CHECK"},
    type_name{1135, "ACCT_LOCK"},
    type_name{1136, "ACCT_UNLOCK"},
    type_name{1137, "USER_DEVICE"},
    type_name{1138, "SOFTWARE_UPDATE"},
    type_name{1200, "DAEMON_START"},
    type_name{1201, "DAEMON_END"},
    type_name{1202, "DAEMON_ABORT"},
    type_name{1203, "DAEMON_CONFIG"},
    type_name{1205, "DAEMON_ROTATE"},
    type_name{1206, "DAEMON_RESUME"},
    type_name{1207, "DAEMON_ACCEPT"},
    type_name{1208, "DAEMON_CLOSE"},
    type_name{1209, "DAEMON_ERR"},
    type_name{1300, "SYSCALL"},
    type_name{1302, "PATH"},
    type_name{1303, "IPC"},
    type_name{1304, "SOCKETCALL"},
    type_name{1305, "CONFIG_CHANGE"},
    type_name{1306, "SOCKADDR"},
    type_name{1307, "CWD"},
    type_name{1309, "EXECVE"},
    type_name{1311, "IPC_SET_PERM"},
    type_name{1312, "MQ_OPEN"},
    type_name{1313, "MQ_SENDRECV"},
    type_name{1314, "MQ_NOTIFY"},
    type_name{1315, "MQ_GETSETATTR"},
    type_name{1316, "KERNEL_OTHER"},
    type_name{1317, "FD_PAIR"},
    type_name{1318, "OBJ_PID"},
    type_name{1319, "TTY"},
    type_name{1320, "EOE"},
    type_name{1321, "BPRM_FCAPS"},
    type_name{1322, "CAPSET"},
    type_name{1323, "MMAP"},
    type_name{1324, "NETFILTER_PKT"},
    type_name{1325, "NETFILTER_CFG"},
    type_name{1326, "SECCOMP"},
    type_name{1327, "PROCTITLE"},
    type_name{1328, "FEATURE_CHANGE"},
    type_name{1329, "REPLACE"},
    type_name{1330, "KERN_MODULE"},
    type_name{1331, "FANOTIFY"},
    type_name{1332, "TIME_INJOFFSET"},
    type_name{1333, "TIME_ADJNTPVAL"},
    type_name{1334, "BPF"},
    type_name{1335, "EVENT_LISTENER"},
    type_name{1336, "URINGOP"},
    type_name{1337, "OPENAT2"},
    type_name{1338, "DM_CTRL"},
    type_name{1339, "DM_EVENT"},
    type_name{1400, "AVC"},
    type_name{1401, "SELINUX_ERR"},
    type_name{1402, "AVC_PATH"},
    type_name{1403, "MAC_POLICY_LOAD"},
    type_name{1404, "MAC_STATUS"},
    type_name{1405, "MAC_CONFIG_CHANGE"},
    type_name{1406, "MAC_UNLBL_ALLOW"},
    type_name{1407, "MAC_CIPSOV4_ADD"},
    type_name{1408, "MAC_CIPSOV4_DEL"},
    type_name{1409, "MAC_MAP_ADD"},
    type_name{1410, "MAC_MAP_DEL"},
    type_name{1411, "MAC_IPSEC_ADDSA"},
    type_name{1412, "MAC_IPSEC_DELSA"},
    type_name{1413, "MAC_IPSEC_ADDSPD"},
    type_name{1414, "MAC_IPSEC_DELSPD"},
    type_name{1415, "MAC_IPSEC_EVENT"},
    type_name{1416, "MAC_UNLBL_STCADD"},
    type_name{1417, "MAC_UNLBL_STCDEL"},
    type_name{1418, "MAC_CALIPSO_ADD"},
    type_name{1419, "MAC_CALIPSO_DEL"},
    type_name{1420, "IPE_ACCESS"},
    type_name{1421, "IPE_CONFIG_CHANGE"},
    type_name{1422, "IPE_POLICY_LOAD"},
    type_name{1423, "LANDLOCK_ACCESS"},
    type_name{1424, "LANDLOCK_DOMAIN"},
    type_name{1425, "MAC_TASK_CONTEXTS"},
    type_name{1426, "MAC_OBJ_CONTEXTS"},
    type_name{1500, "APPARMOR"},
    type_name{1501, "APPARMOR_AUDIT"},
    type_name{1502, "APPARMOR_ALLOWED"},
    type_name{1503, "APPARMOR_DENIED"},
    type_name{1504, "APPARMOR_HINT"},
    type_name{1505, "APPARMOR_STATUS"},
    type_name{1506, "APPARMOR_ERROR"},
    type_name{1507, "APPARMOR_KILL"},
    type_name{1700, "ANOM_PROMISCUOUS"},
    type_name{1701, "ANOM_ABEND"},
    type_name{1702, "ANOM_LINK"},
    type_name{1703, "ANOM_CREAT"},
    type_name{1800, "INTEGRITY_DATA"},
    type_name{1801, "INTEGRITY_METADATA"},
    type_name{1802, "INTEGRITY_STATUS"},
    type_name{1803, "INTEGRITY_HASH"},
    type_name{1804, "INTEGRITY_PCR"},
    type_name{1805, "INTEGRITY_RULE"},
    type_name{1806, "INTEGRITY_EVM_XATTR"},
    type_name{1807, "INTEGRITY_POLICY_RULE"},
    type_name{2000, "KERNEL"},
    type_name{2100, "ANOM_LOGIN_FAILURES"},
    type_name{2101, "ANOM_LOGIN_TIME"},
    type_name{2102, "ANOM_LOGIN_SESSIONS"},
    type_name{2103, "ANOM_LOGIN_ACCT"},
    type_name{2104, "ANOM_LOGIN_LOCATION"},
    type_name{2105, "ANOM_MAX_DAC"},
    type_name{2106, "ANOM_MAX_MAC"},
    type_name{2107, "ANOM_AMTU_FAIL"},
    type_name{2108, "ANOM_RBAC_FAIL"},
    type_name{2109, "ANOM_RBAC_INTEGRITY_FAIL"},
    type_name{2110, "ANOM_CRYPTO_FAIL"},
    type_name{2111, "ANOM_ACCESS_FS"},
    type_name{2112, "ANOM_EXEC"},
    type_name{2113, "ANOM_MK_EXEC"},
    type_name{2114, "ANOM_ADD_ACCT"},
    type_name{2115, "ANOM_DEL_ACCT"},
    type_name{2116, "ANOM_MOD_ACCT"},
    type_name{2117, "ANOM_ROOT_TRANS"},
    type_name{2118, "ANOM_LOGIN_SERVICE"},
    type_name{2119, "ANOM_LOGIN_ROOT"},
    type_name{2120, "ANOM_ORIGIN_FAILURES"},
    type_name{2121, "ANOM_SESSION"},
    type_name{2200, "RESP_ANOMALY"},
    type_name{2201, "RESP_ALERT"},
    type_name{2202, "RESP_KILL_PROC"},
    type_name{2203, "RESP_TERM_ACCESS"},
    type_name{2204, "RESP_ACCT_REMOTE"},
    type_name{2205, "RESP_ACCT_LOCK_TIMED"},
    type_name{2206, "RESP_ACCT_UNLOCK_TIMED"},
    type_name{2207, "RESP_ACCT_LOCK"},
    type_name{2208, "RESP_TERM_LOCK"},
    type_name{2209, "RESP_SEBOOL"},
    type_name{2210, "RESP_EXEC"},
    type_name{2211, "RESP_SINGLE"},
    type_name{2212, "RESP_HALT"},
    type_name{2213, "RESP_ORIGIN_BLOCK"},
    type_name{2214, "RESP_ORIGIN_BLOCK_TIMED"},
    type_name{2215, "RESP_ORIGIN_UNBLOCK_TIMED"},
    type_name{2300, "USER_ROLE_CHANGE"},
    type_name{2301, "ROLE_ASSIGN"},
    type_name{2302, "ROLE_REMOVE"},
    type_name{2303, "LABEL_OVERRIDE"},
    type_name{2304, "LABEL_LEVEL_CHANGE"},
    type_name{2305, "USER_LABELED_EXPORT"},
    type_name{2306, "USER_UNLABELED_EXPORT"},
    type_name{2307, "DEV_ALLOC"},
    type_name{2308, "DEV_DEALLOC"},
    type_name{2309, "FS_RELABEL"},
    type_name{2310, "USER_MAC_POLICY_LOAD"},
    type_name{2311, "ROLE_MODIFY"},
    type_name{2312, "USER_MAC_CONFIG_CHANGE"},
    type_name{2313, "USER_MAC_STATUS"},
    type_name{2400, "CRYPTO_TEST_USER"},
    type_name{2401, "CRYPTO_PARAM_CHANGE_USER"},
    type_name{2402, "CRYPTO_LOGIN"},
    type_name{2403, "CRYPTO_LOGOUT"},
    type_name{2404, "CRYPTO_KEY_USER"},
    type_name{2405, "CRYPTO_FAILURE_USER"},
    type_name{2406, "CRYPTO_REPLAY_USER"},
    type_name{2407, "CRYPTO_SESSION"},
    type_name{2408, "CRYPTO_IKE_SA"},
    type_name{2409, "CRYPTO_IPSEC_SA"},
    type_name{2500, "VIRT_CONTROL"},
    type_name{2501, "VIRT_RESOURCE"},
    type_name{2502, "VIRT_MACHINE_ID"},
    type_name{2503, "VIRT_INTEGRITY_CHECK"},
    type_name{2504, "VIRT_CREATE"},
    type_name{2505, "VIRT_DESTROY"},
    type_name{2506, "VIRT_MIGRATE_IN"},
    type_name{2507, "VIRT_MIGRATE_OUT"},
};

static_assert(std::is_sorted(type_names.begin(), type_names.end(),
                             [](const type_name& a, const type_name& b) {
                                 return a.type < b.type;
                             }));

constexpr std::size_t header_size = 16; // struct nlmsghdr

std::uint32_t read_u32(const std::byte* at) noexcept {
    std::uint32_t value = 0;
    std::memcpy(&value, at, sizeof value); // host order, as netlink is
    return value;
}

std::uint16_t read_u16(const std::byte* at) noexcept {
    std::uint16_t value = 0;
    std::memcpy(&value, at, sizeof value);
    return value;
}

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

} // namespace

std::optional<record_datagram> split_record(std::span<const std::byte> bytes) noexcept {
    if (bytes.size() < header_size) {
        return std::nullopt;
    }
    const std::uint32_t claimed = read_u32(bytes.data());
    if (claimed < header_size) {
        return std::nullopt;
    }
    const std::size_t end = std::min<std::size_t>(claimed, bytes.size());
    std::string_view text(reinterpret_cast<const char*>(bytes.data()) + header_size,
                          end - header_size);
    while (!text.empty() && (text.back() == '\0' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return record_datagram{read_u16(bytes.data() + 4), text};
}

record_fields parse_record(std::string_view text) noexcept {
    record_fields out;
    std::string_view key_value;
    bool have_key = false;
    while (!text.empty()) {
        const auto space = text.find(' ');
        std::string_view token = text.substr(0, space);
        text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
        // A user-space message's own fields sit inside msg='...': step into it.
        if (token.starts_with("msg='")) {
            token.remove_prefix(5);
        }
        const auto equals = token.find('=');
        if (equals == std::string_view::npos) {
            continue;
        }
        const auto name = token.substr(0, equals);
        auto value = token.substr(equals + 1);
        if (name == "success") {
            out.success = value == "yes"  ? success_field::yes
                          : value == "no" ? success_field::no
                                          : success_field::absent;
        } else if (name == "res") {
            if (value.ends_with('\'')) {
                value.remove_suffix(1); // the end of msg='...'
            }
            out.result = (value == "success" || value == "1")  ? result_field::success
                         : (value == "failed" || value == "0") ? result_field::failed
                                                               : result_field::absent;
        } else if (name == "key") {
            key_value = value;
            have_key = true;
        }
    }
    if (!have_key) {
        return out;
    }
    if (key_value == "(null)") {
        out.key = key_field::null;
    } else if (key_value.size() >= 2 && key_value.front() == '"' && key_value.back() == '"') {
        out.raw_ = key_value.substr(1, key_value.size() - 2);
        out.key = key_field::present;
    } else if (!key_value.empty() && key_value.size() % 2 == 0 &&
               key_value.size() / 2 <= max_key_bytes) {
        // Hex, as audit_log_n_hex writes an untrusted string with odd bytes in it.
        for (std::size_t i = 0; i < key_value.size(); i += 2) {
            const int high = hex_digit(key_value[i]);
            const int low = hex_digit(key_value[i + 1]);
            if (high < 0 || low < 0) {
                return out; // neither quoted nor hex: not a key the kernel wrote
            }
            out.storage_[i / 2] = static_cast<char>(high * 16 + low);
        }
        out.length_ = key_value.size() / 2;
        out.decoded_ = true;
        out.key = key_field::present;
    }
    return out;
}

std::string_view record_type_name(std::uint16_t type) noexcept {
    const auto* found = std::lower_bound(
        type_names.begin(), type_names.end(), type,
        [](const type_name& entry, std::uint16_t wanted) { return entry.type < wanted; });
    return found != type_names.end() && found->type == type ? found->name : std::string_view();
}

} // namespace lae::audit
