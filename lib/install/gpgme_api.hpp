#pragma once
// GPGME (Debian's libgpgme11), loaded on first use like libarchive (see util/shared_library.hpp
// for why it is not linked): only an install whose recipe asks for a signature opens it.
#include <gpgme.h>

namespace tailor::install {

struct GpgmeApi {
  decltype(&::gpgme_check_version_internal) check_version_internal;
  decltype(&::gpgme_engine_check_version) engine_check_version;
  decltype(&::gpgme_strerror) strerror;
  decltype(&::gpgme_new) ctx_new;
  decltype(&::gpgme_release) ctx_release;
  decltype(&::gpgme_set_protocol) set_protocol;
  decltype(&::gpgme_ctx_set_engine_info) set_engine_info;
  decltype(&::gpgme_set_offline) set_offline;
  decltype(&::gpgme_data_new_from_mem) data_new_from_mem;
  decltype(&::gpgme_data_new_from_fd) data_new_from_fd;
  decltype(&::gpgme_data_release) data_release;
  decltype(&::gpgme_op_import) op_import;
  decltype(&::gpgme_op_import_result) op_import_result;
  decltype(&::gpgme_op_verify) op_verify;
  decltype(&::gpgme_op_verify_result) op_verify_result;
  decltype(&::gpgme_get_key) get_key;
  decltype(&::gpgme_key_unref) key_unref;
};

// The table, loaded from libgpgme.so.11 on the first call (which also runs GPGME's required
// version check); throws util::MissingLibrary.
const GpgmeApi& gpgme_api();

}  // namespace tailor::install
