// libjpeg-turbo's TurboJPEG API (tjDecompressHeader3, tjDecompress2), imported into Swift.
// Debian: libturbojpeg0-dev. Errors come back as return codes (no setjmp/longjmp crosses Swift).
#include <turbojpeg.h>
