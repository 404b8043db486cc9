/* C surface of the image pipeline: dsc_png_read, dsc_preprocess and dsc_detect on the bundled
 * default detector and its samples (boxes in samples/expected_boxes.txt, made by the TFLite
 * reference kernels and the numpy decode of tools/eval_default_detector.py), plus NULL and size
 * errors. Usage: image_test MODEL SAMPLES_DIR */
#include <dscflow.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;
#define CHECK(cond, ...) do { checks++; if (!(cond)) { failures++; printf("FAIL line %d: ", __LINE__); \
    printf(__VA_ARGS__); printf(" (%s)\n", dsc_last_error()); } } while (0)

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: image_test MODEL SAMPLES_DIR\n"); return 2; }
    dsc_model *m = NULL;
    CHECK(dsc_model_load_file(argv[1], &m) == DSC_OK, "load %s", argv[1]);
    if (!m) return 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/expected_boxes.txt", argv[2]);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "open %s", path);
    if (!f) return 1;
    char name[256];
    int x1, x2, y1, y2, images = 0;
    while (fscanf(f, "%255s [%d, %d, %d, %d]", name, &x1, &x2, &y1, &y2) == 5) {
        snprintf(path, sizeof path, "%s/%s", argv[2], name);
        size_t w = 0, h = 0, c = 0;
        CHECK(dsc_png_read(path, NULL, 0, &w, &h, &c) == DSC_OK, "size of %s", path);
        unsigned char *px = malloc(w * h * c);
        CHECK(dsc_png_read(path, px, w * h * c - 1, &w, &h, &c) == DSC_ERR_INVALID_ARGUMENT, "small capacity");
        CHECK(dsc_png_read(path, px, w * h * c, &w, &h, &c) == DSC_OK, "read %s", path);
        dsc_box box;
        CHECK(dsc_detect(m, NULL, NULL, px, w, h, c, &box) == DSC_OK, "detect %s", path);
        CHECK((int)box.xmin == x1 && (int)box.xmax == x2 && (int)box.ymin == y1 && (int)box.ymax == y2,
              "%s: box [%g, %g, %g, %g], expected [%d, %d, %d, %d]", name, box.xmin, box.xmax, box.ymin, box.ymax,
              x1, x2, y1, y2);
        CHECK(box.score >= 0 && box.score <= 1 && box.raw_count > 0, "%s: score %g raw_count %d", name, box.score,
              box.raw_count);
        /* The input bytes dsc_preprocess makes drive dsc_session_run to the same answer. */
        dsc_tensor_info in;
        CHECK(dsc_model_input(m, 0, &in) == DSC_OK, "input info");
        unsigned char *bytes = malloc(in.byte_size);
        CHECK(dsc_preprocess(m, NULL, px, w, h, c, bytes, in.byte_size) == DSC_OK, "preprocess");
        CHECK(dsc_preprocess(m, NULL, px, w, h, c, bytes, in.byte_size + 1) == DSC_ERR_INVALID_ARGUMENT, "size");
        CHECK(dsc_preprocess(m, "range", px, w, h, c, bytes, in.byte_size) == DSC_ERR_INVALID_ARGUMENT, "bad overrides");
        CHECK(dsc_detect(m, NULL, "head=nonsense", px, w, h, c, &box) == DSC_ERR_INVALID_ARGUMENT, "unknown head");
        CHECK(dsc_detect(m, NULL, NULL, px, w, h, 2, &box) == DSC_ERR_INVALID_ARGUMENT, "2 channels");
        CHECK(dsc_detect(m, NULL, NULL, NULL, w, h, c, &box) == DSC_ERR_INVALID_ARGUMENT, "NULL pixels");
        CHECK(dsc_detect(m, NULL, NULL, px, w, h, c, NULL) == DSC_ERR_INVALID_ARGUMENT, "NULL box");
        CHECK(dsc_detect(NULL, NULL, NULL, px, w, h, c, &box) == DSC_ERR_INVALID_ARGUMENT, "NULL model");
        free(bytes);
        free(px);
        images++;
    }
    fclose(f);
    CHECK(images >= 6, "only %d sample images", images);
    size_t w, h, c;
    CHECK(dsc_png_read("/nonexistent.png", NULL, 0, &w, &h, &c) == DSC_ERR_IO, "missing file");
    CHECK(dsc_png_read(argv[1], NULL, 0, &w, &h, &c) == DSC_ERR_IO, "not a PNG");
    CHECK(dsc_png_read(NULL, NULL, 0, &w, &h, &c) == DSC_ERR_INVALID_ARGUMENT, "NULL path");
    CHECK(dsc_png_read(path, NULL, 0, NULL, &h, &c) == DSC_ERR_INVALID_ARGUMENT, "NULL width");
    dsc_model_free(m);
    printf("image_test: %d images, %d passed, %d failed\n", images, checks - failures, failures);
    return failures ? 1 : 0;
}
