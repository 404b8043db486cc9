// libpng's simplified API (png_image_*), imported into Swift. Debian: libpng-dev.
#include <png.h>

// Compound macros Swift cannot import, as constants.
static const unsigned int DSC_PNG_FORMAT_GRAY = PNG_FORMAT_GRAY;
static const unsigned int DSC_PNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const unsigned int DSC_PNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
