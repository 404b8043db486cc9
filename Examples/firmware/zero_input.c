/* zero_input MODEL OUT.bin: writes an input tensor of zero bytes for MODEL's first input (used when a
 * model has no golden input). */
#include <dscflow.h>

#include <stdio.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s MODEL OUT.bin\n", argv[0]); return 2; }
    dsc_model *model = NULL;
    dsc_tensor_info in;
    if (dsc_model_load_file(argv[1], &model) != DSC_OK || dsc_model_input(model, 0, &in) != DSC_OK) {
        fprintf(stderr, "zero_input: %s\n", dsc_last_error());
        return 1;
    }
    FILE *f = fopen(argv[2], "wb");
    if (!f) { perror(argv[2]); return 1; }
    for (size_t i = 0; i < in.byte_size; i++) fputc(0, f);
    int bad = fclose(f) != 0;
    dsc_model_free(model);
    return bad;
}
