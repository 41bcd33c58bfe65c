// Windows: the Windows Firewall COM API (HNetCfg.FwPolicy2): INetFwPolicy2 for the profiles,
// INetFwRules enumerated through IEnumVARIANT for the rules. Read-only; nothing is changed. A
// getter that fails leaves the field at its safe default and, for the profile values the verdict
// depends on, makes the reading an error that names the call (a guess would hide a block).
// netfw.h only declares its CLSIDs and IIDs and no import library holds them: initguid.h makes
// this file define them (as selectany, so a second definition elsewhere is harmless).
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <initguid.h>
#include <netfw.h>
// clang-format on

#include "activation/detail/com.h"
#include "activation/firewall.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace {

using detail::Bstr;
using detail::ComPtr;
using detail::Variant;
using hostcheck::detail::utf8;

std::string read_bstr(HRESULT (STDMETHODCALLTYPE INetFwRule::*get)(BSTR*), INetFwRule* rule) {
  Bstr value;
  if (FAILED((rule->*get)(value.out())) || value.get() == nullptr) return {};
  return utf8(value.get());
}

FirewallRule read_rule(INetFwRule* r) {
  FirewallRule rule;
  rule.name = read_bstr(&INetFwRule::get_Name, r);
  rule.grouping = read_bstr(&INetFwRule::get_Grouping, r);
  rule.application = read_bstr(&INetFwRule::get_ApplicationName, r);
  rule.service = read_bstr(&INetFwRule::get_ServiceName, r);
  rule.remote_addresses = read_bstr(&INetFwRule::get_RemoteAddresses, r);
  rule.remote_ports = read_bstr(&INetFwRule::get_RemotePorts, r);
  if (rule.remote_addresses.empty()) rule.remote_addresses = "*";
  if (rule.remote_ports.empty()) rule.remote_ports = "*";
  VARIANT_BOOL enabled = VARIANT_FALSE;
  if (SUCCEEDED(r->get_Enabled(&enabled))) rule.enabled = enabled != VARIANT_FALSE;
  NET_FW_RULE_DIRECTION direction = NET_FW_RULE_DIR_IN;
  if (SUCCEEDED(r->get_Direction(&direction))) rule.outbound = direction == NET_FW_RULE_DIR_OUT;
  NET_FW_ACTION action = NET_FW_ACTION_BLOCK;
  if (SUCCEEDED(r->get_Action(&action))) rule.allow = action == NET_FW_ACTION_ALLOW;
  long profiles = kFwProfileAll;
  if (SUCCEEDED(r->get_Profiles(&profiles))) rule.profiles = profiles;
  long protocol = kFwProtocolAny;
  if (SUCCEEDED(r->get_Protocol(&protocol))) rule.protocol = static_cast<int>(protocol);
  return rule;
}

}  // namespace

FirewallReading read_firewall() {
  FirewallReading out;
  detail::ComApartment com;
  if (!com.ok()) {
    out.error = detail::com_error("CoInitializeEx", com.result());
    return out;
  }
  ComPtr<INetFwPolicy2> policy;
  HRESULT hr = ::CoCreateInstance(CLSID_NetFwPolicy2, nullptr, CLSCTX_INPROC_SERVER, IID_INetFwPolicy2,
                                  reinterpret_cast<void**>(policy.GetAddressOf()));
  if (FAILED(hr)) {
    out.error = detail::com_error("CoCreateInstance(NetFwPolicy2)", hr);
    return out;
  }
  long current = 0;
  if (FAILED(hr = policy->get_CurrentProfileTypes(&current))) {
    out.error = detail::com_error("INetFwPolicy2::get_CurrentProfileTypes", hr);
    return out;
  }
  for (NET_FW_PROFILE_TYPE2 type : {NET_FW_PROFILE2_DOMAIN, NET_FW_PROFILE2_PRIVATE, NET_FW_PROFILE2_PUBLIC}) {
    FirewallProfile p;
    p.type = type;
    p.active = (current & type) != 0;
    VARIANT_BOOL enabled = VARIANT_FALSE;
    if (FAILED(hr = policy->get_FirewallEnabled(type, &enabled))) {
      out.error = detail::com_error("INetFwPolicy2::get_FirewallEnabled", hr);
      return out;
    }
    p.enabled = enabled != VARIANT_FALSE;
    NET_FW_ACTION action = NET_FW_ACTION_ALLOW;
    if (FAILED(hr = policy->get_DefaultOutboundAction(type, &action))) {
      out.error = detail::com_error("INetFwPolicy2::get_DefaultOutboundAction", hr);
      return out;
    }
    p.outbound_block_default = action == NET_FW_ACTION_BLOCK;
    out.policy.profiles.push_back(p);
  }
  NET_FW_MODIFY_STATE modify = NET_FW_MODIFY_STATE_OK;
  if (SUCCEEDED(policy->get_LocalPolicyModifyState(&modify))) {
    out.policy.group_policy_override = modify == NET_FW_MODIFY_STATE_GP_OVERRIDE;
  }
  ComPtr<INetFwRules> rules;
  if (FAILED(hr = policy->get_Rules(rules.GetAddressOf())) || !rules) {
    out.error = detail::com_error("INetFwPolicy2::get_Rules", hr);
    return out;
  }
  ComPtr<IUnknown> unknown;
  if (FAILED(hr = rules->get__NewEnum(unknown.GetAddressOf())) || !unknown) {
    out.error = detail::com_error("INetFwRules::get__NewEnum", hr);
    return out;
  }
  ComPtr<IEnumVARIANT> items;
  if (FAILED(hr = unknown.As(&items))) {
    out.error = detail::com_error("INetFwRules enumerator: IEnumVARIANT", hr);
    return out;
  }
  for (;;) {
    Variant item;
    ULONG fetched = 0;
    hr = items->Next(1, item.get(), &fetched);
    if (hr != S_OK || fetched == 0) break;
    if (item.value().vt != VT_DISPATCH || item.value().pdispVal == nullptr) continue;
    ComPtr<INetFwRule> rule;
    if (SUCCEEDED(item.value().pdispVal->QueryInterface(IID_INetFwRule,
                                                          reinterpret_cast<void**>(rule.GetAddressOf())))) {
      out.policy.rules.push_back(read_rule(rule.Get()));
    }
  }
  if (FAILED(hr)) {
    out.error = detail::com_error("IEnumVARIANT::Next over the firewall rules", hr);
    return out;
  }
  out.available = true;
  return out;
}

}  // namespace hciattest::activation
