/*
 * endpoints.c - the endpoint names and paths (endpoints.h).
 */
#include "endpoints.h"

const char *const bg_endpoint_name[BG_EP_N] = {
#define BG_X_NAME(e, name, path) [e] = name,
    BG_ENDPOINTS(BG_X_NAME)
#undef BG_X_NAME
};

const char *const bg_endpoint_path[BG_EP_N] = {
#define BG_X_PATH(e, name, path) [e] = path,
    BG_ENDPOINTS(BG_X_PATH)
#undef BG_X_PATH
};
