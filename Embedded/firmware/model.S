/* The model as a byte array in flash (.rodata), 64-byte aligned so that a .dscm loads in place.
 * DSC_MODEL_PATH is the model file, set by Embedded/embedded.mk. */
    .section .rodata.dsc_model, "a"
    .balign 64
    .global dsc_model_data
dsc_model_data:
    .incbin DSC_MODEL_PATH
    .global dsc_model_data_end
dsc_model_data_end:
    .section .note.GNU-stack, "", %progbits
