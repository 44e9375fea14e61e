/* supportkpi C API. Until the C ABI issue lands this header only exposes the version. */
#ifndef SUPPORTKPI_H
#define SUPPORTKPI_H

#ifdef __cplusplus
extern "C" {
#endif

/* The library version as a static NUL-terminated string. Owned by the library: do not free. */
const char *supportkpi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SUPPORTKPI_H */
