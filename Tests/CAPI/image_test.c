/* C surface of the image pipeline: dsc_png_read, dsc_preprocess and dsc_detect on the bundled
 * default detector and its samples (boxes in samples/expected_boxes.txt, made by the TFLite
 * reference kernels and the numpy decode of tools/eval_default_detector.py), plus NULL and size
 * errors; dsc_image_read on the JPEG fixtures (Pillow's decodes beside them as PNG), truncated and
 * CMYK JPEGs; dsc_preprocess_describe, dsc_classify, dsc_detect_min_score, the model metadata and
 * the kernel-path session flags. Usage: image_test MODEL SAMPLES_DIR JPEG_FIXTURES_DIR */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include <dscflow.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;
#define CHECK(cond, ...) do { checks++; if (!(cond)) { failures++; printf("FAIL line %d: ", __LINE__); \
    printf(__VA_ARGS__); printf(" (%s)\n", dsc_last_error()); } } while (0)

/* Reads an image with dsc_image_read into a new buffer (NULL on failure). */
static unsigned char *read_image(const char *path, size_t *w, size_t *h, size_t *c) {
    if (dsc_image_read(path, NULL, 0, w, h, c) != DSC_OK) return NULL;
    unsigned char *px = malloc(*w * *h * *c);
    if (px && dsc_image_read(path, px, *w * *h * *c, w, h, c) != DSC_OK) { free(px); return NULL; }
    return px;
}

/* Every NAME.jpg with a NAME.png beside it decodes to the PNG's pixels; returns how many. */
static int check_jpeg_fixtures(const char *dir) {
    DIR *d = opendir(dir);
    CHECK(d != NULL, "open %s", dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    char jpg[4096], png[4096];
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".jpg") != 0) continue;
        snprintf(jpg, sizeof jpg, "%s/%s", dir, e->d_name);
        snprintf(png, sizeof png, "%s/%.*s.png", dir, (int)(len - 4), e->d_name);
        FILE *f = fopen(png, "rb");
        if (!f) {  /* unsupported_cmyk.jpg: no Pillow oracle; must be an I/O error */
            size_t w, h, c;
            CHECK(dsc_image_read(jpg, NULL, 0, &w, &h, &c) == DSC_ERR_IO, "%s without a PNG oracle must be rejected", jpg);
            continue;
        }
        fclose(f);
        size_t w1, h1, c1, w2, h2, c2;
        unsigned char *a = read_image(jpg, &w1, &h1, &c1), *b = read_image(png, &w2, &h2, &c2);
        CHECK(a && b && w1 == w2 && h1 == h2 && c1 == c2 && memcmp(a, b, w1 * h1 * c1) == 0,
              "%s: pixels differ from Pillow's decode", jpg);
        free(a);
        free(b);
        n++;
    }
    closedir(d);
    /* A truncated JPEG is an I/O error, not a partial image. */
    snprintf(jpg, sizeof jpg, "%s/baseline_420_large.jpg", dir);
    FILE *f = fopen(jpg, "rb");
    CHECK(f != NULL, "open %s", jpg);
    if (f) {
        unsigned char head[3000];
        size_t got = fread(head, 1, sizeof head, f);
        fclose(f);
        char cut[] = "/tmp/dscflow_image_test_XXXXXX";
        int fd = mkstemp(cut);
        FILE *t = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (t) { fwrite(head, 1, got, t); fclose(t); }
        size_t w, h, c;
        CHECK(dsc_image_read(cut, NULL, 0, &w, &h, &c) == DSC_ERR_IO, "truncated JPEG");
        CHECK(strstr(dsc_last_error(), "truncated") != NULL || strstr(dsc_last_error(), "corrupt") != NULL, "message");
        remove(cut);
    }
    return n;
}

/* Model metadata, kernel-path flags, the preprocessing description, classification and min score. */
static void check_model_functions(dsc_model *m, const unsigned char *px, size_t w, size_t h, size_t c) {
    size_t n = 0;
    CHECK(dsc_model_metadata_count(m, &n) == DSC_OK && n >= 2, "metadata count %zu", n);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        const char *key = NULL, *value = NULL;
        CHECK(dsc_model_metadata(m, i, &key, &value) == DSC_OK && key && value, "metadata %zu", i);
        if (key && value && strcmp(key, "dscflow.detection") == 0) found = strstr(value, "head=skynet") != NULL;
    }
    CHECK(found, "dscflow.detection with head=skynet");
    const char *k, *v;
    CHECK(dsc_model_metadata(m, n, &k, &v) == DSC_ERR_INVALID_ARGUMENT, "metadata index out of range");

    dsc_session *s = NULL;
    int32_t kernels = -1;
    CHECK(dsc_session_create_ex(m, DSC_SESSION_KERNELS(DSC_KERNELS_REFERENCE), &s) == DSC_OK, "reference session");
    CHECK(dsc_session_kernels(s, &kernels) == DSC_OK && kernels == DSC_KERNELS_REFERENCE, "kernels %d", kernels);
    dsc_session_free(s);
    s = NULL;
    CHECK(dsc_session_create_ex(m, 0, &s) == DSC_OK, "auto session");
    CHECK(dsc_session_kernels(s, &kernels) == DSC_OK && kernels >= DSC_KERNELS_REFERENCE && kernels <= DSC_KERNELS_AVX512VNNI,
          "auto resolved to %d", kernels);
    dsc_session_free(s);
    s = NULL;
    CHECK(dsc_session_create_ex(m, DSC_SESSION_KERNELS(9), &s) == DSC_ERR_INVALID_ARGUMENT && s == NULL, "kernel path 9");

    size_t len = 0;
    CHECK(dsc_preprocess_describe(m, NULL, NULL, 0, &len) == DSC_OK && len > 0, "describe length");
    char *text = malloc(len + 1);
    CHECK(dsc_preprocess_describe(m, NULL, text, len, &len) == DSC_ERR_INVALID_ARGUMENT, "describe without room for the NUL");
    CHECK(dsc_preprocess_describe(m, NULL, text, len + 1, &len) == DSC_OK && strlen(text) == len, "describe");
    CHECK(strstr(text, "range=0,1") && strstr(text, "resize=bilinear") && !strstr(text, "assumed="), "describe: %s", text);
    free(text);
    CHECK(dsc_preprocess_describe(m, "range=-1,1", NULL, 0, NULL) == DSC_ERR_INVALID_ARGUMENT, "NULL length");

    double min_score = -1;
    CHECK(dsc_detect_min_score(m, NULL, &min_score) == DSC_OK && min_score == 0.5, "min score %g", min_score);
    CHECK(dsc_detect_min_score(m, "min-score=0.2", &min_score) == DSC_OK && min_score == 0.2, "min score %g", min_score);
    CHECK(dsc_detect_min_score(m, "min-score=2", &min_score) == DSC_ERR_INVALID_ARGUMENT, "min score 2");

    dsc_class top[3];
    size_t classes = 0;
    CHECK(dsc_classify(m, NULL, px, w, h, c, top, 3, &classes) == DSC_OK, "classify");
    dsc_tensor_info out;
    CHECK(dsc_model_output(m, 0, &out) == DSC_OK && classes == out.byte_size, "classes %zu", classes);
    CHECK(top[0].probability >= top[1].probability && top[1].probability >= top[2].probability && top[0].label != NULL,
          "classes sorted, labelled");
    CHECK(dsc_classify(m, NULL, px, w, h, c, NULL, 0, &classes) == DSC_OK, "count only");
    CHECK(dsc_classify(m, NULL, px, w, h, c, NULL, 3, &classes) == DSC_ERR_INVALID_ARGUMENT, "NULL classes");
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: image_test MODEL SAMPLES_DIR JPEG_FIXTURES_DIR\n"); return 2; }
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
    snprintf(path, sizeof path, "%s/00000.png", argv[2]);
    unsigned char *sample = read_image(path, &w, &h, &c);
    CHECK(sample != NULL, "dsc_image_read %s", path);
    if (sample) check_model_functions(m, sample, w, h, c);
    free(sample);
    int jpegs = check_jpeg_fixtures(argv[3]);
    CHECK(jpegs >= 12, "only %d JPEG fixtures", jpegs);
    CHECK(dsc_png_read("/nonexistent.png", NULL, 0, &w, &h, &c) == DSC_ERR_IO, "missing file");
    CHECK(dsc_png_read(argv[1], NULL, 0, &w, &h, &c) == DSC_ERR_IO, "not a PNG");
    CHECK(dsc_png_read(NULL, NULL, 0, &w, &h, &c) == DSC_ERR_INVALID_ARGUMENT, "NULL path");
    CHECK(dsc_png_read(path, NULL, 0, NULL, &h, &c) == DSC_ERR_INVALID_ARGUMENT, "NULL width");
    dsc_model_free(m);
    printf("image_test: %d images, %d JPEG fixtures, %d passed, %d failed\n", images, jpegs, checks - failures, failures);
    return failures ? 1 : 0;
}
