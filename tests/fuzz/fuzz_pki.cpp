#include "tests/fuzz/fuzz_pki.h"

#include <openssl/pem.h>

#include <stdexcept>

namespace hciattest::fuzzing {
namespace {

// A throw-away RSA-2048 key made for this file (`openssl genpkey -algorithm RSA`). It protects
// nothing: it only has to be the same in every process.
constexpr const char* kRootKeyPem = R"(
-----BEGIN PRIVATE KEY-----
MIIEuwIBADANBgkqhkiG9w0BAQEFAASCBKUwggShAgEAAoIBAQCmiWCNuN6yRZMz
QqhPAiOahOF/73iW4DIqFjDzSFcebRqFQTDJ2DerAbN0Gx4YaltR1y1efk9Qe13a
Di8DnCsEbnW9+4iemPZ+1JzinLApmEgjh2c1MemNhqsixLC+fXLp18d2WGOmNa5C
Z8pOgeydsdpGRqRpe2pMO9o7LnQ0QblWllfPBiXx0Zloxq8fbU19MtJoyfSIRSyR
F9fSfEpHKSeGNoao0dU7Ck23GgO/TIQAvMDAO1YQzm+alq8cDh/+5y/jG7X/nKn3
SetyiIKD0PLq4+jb0yKZ1GL5vlK63PBba9gP9J6sv3lcg7mOnpRlOOA5vlHzIGkQ
vChNF2V9AgMBAAECgf9F0K0gc43D98JZaLPK/chKrKEld+yfCnBGa2KaCIvq4y2x
5j3gFzuIR25GEKqEEckkfPU11auhUc1rE3TZBXFw80t7Pkn+xTO1nH6WXSvqjT7V
XQm5p85vIcWvDbPBlZ7pVyfQkJjswqadZvfNcbyAOvO9cBbYRjccGdbHnTsHrI9F
yF4XwJ7KVtcGWxETFtd6+ybT3b1VyH9ObSfzgQ45SWRmPxaSoN2L5YsxjsWfM/BL
fHsc4qcgQkYV2IKSwm6tWp32tc7JTLpsYa+Nma0S2BcbAv21FZVcUgWRGrBBsNwE
3oMgQf3JdQyar+5vYAq1ELKmwU1Kj9GAYmILADkCgYEA3J6+Y7sC2tMEuW1kXD9h
+eaUyBcI8SWbGGUERyQiQFeqy3lWwVsuAvDE9IKSHKigor5ziqm9uu6PKW+slHrP
2sahnl9hFQexEbO2DlSXUuU2zKK1ngzlkXsE+cPA3FJ02HBYVvDTMdZ/3h/5yZAr
7Y3pkxvT4pkVXCBBoAvnM4kCgYEAwT5PkY2isHsovbf0+az7xAuU81kfgCL42suQ
+KakpnwYR4BRh+K4KMSpfRxvcyQFcScIkyLSVYFcZJydi4f63uK8/IYZvH5Z99Pi
qTiFYiYtvGyR5/mZeIvUNOq4nYB2eDHr0N9GSeMQi6uTTwgGV+11sXd6mtvxvigi
4+xxwVUCgYEAwUukbCTR33+7R+t8XwZ5hUZtXNIx13anaLw4/0u9ZrpovlXVmRuW
OKVTKxerhMiJ1Y0gFoGZ5kpVzGw3vO/NZVVbDTNsD8zpayUVgYDEBLEnTivRDGUo
TkqGlX7ZXzAvh+MGw0XFBIl3BtrlM6DJnB0WZPmgr4yIlmr8lIlZTGECgYAbmhvh
bXqsfJsAJlN+ij/X69OVwsgmFFi5X9RQP/VKtnT9WY3LvA2T/Ss8bKBasO16ERo/
cfzbK8QXtusl8AFcbsSRyVHJw750ELbSdvlOYKetv1BD8zoBpu9js5c1IBFL782A
IzQ1/5HwcUx0QHAvhQKHm8pOblYkVDVPmwlQlQKBgCs8liCXnkaauv7Swl9kImIC
y6O81BZgFwZhmYGVDxNycz+kZModiwQKCUEIBx6z2ns2/eqTGVuTeZYfDfsI4FOo
OgIyto2DWXoC6+wwBp3yn5ZCHOlvid52UMpJ8pf2QnfW+NDbfxllpa+PInf6cm2z
IfiOdahiS5DVr3zLocdn
-----END PRIVATE KEY-----
)";

}  // namespace

testing::Cert fixed_root() {
  attest::detail::BioPtr bio(BIO_new_mem_buf(kRootKeyPem, -1));
  testing::Cert key;
  key.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key.key) throw std::runtime_error("the fixed fuzz root key does not parse");
  testing::CertSpec spec;
  spec.cn = "hciattest Fuzz Root CA";
  spec.ca = true;
  spec.eku = {};
  spec.serial = 1;
  spec.not_before = testing::kTestNow - 365 * testing::kDay;
  spec.not_after = testing::kTestNow + 3650 * testing::kDay;
  // Same key, serial, names and times, and a deterministic RSA PKCS#1 v1.5 signature: the same
  // certificate bytes in every process.
  return testing::make_cert(spec, nullptr, &key);
}

}  // namespace hciattest::fuzzing
