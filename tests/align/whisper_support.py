"""A tiny random Whisper (config, byte-level tokenizer, feature extractor) built locally.

Its words are noise; it proves the wiring: local folder -> transformers ASR pipeline ->
timestamped chunks -> transcript lines -> alignment, offline and in seconds.
"""

from __future__ import annotations

import json
from pathlib import Path


def build_tiny_whisper(folder: Path) -> Path:
    import torch
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    folder.mkdir(parents=True, exist_ok=True)
    vocab = {symbol: n for n, symbol in enumerate(bytes_to_unicode().values())}
    special = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|translate|>",
               "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>",
               "<|notimestamps|>"]
    stamps = [f"<|{n * 0.02:.2f}|>" for n in range(1501)]
    for token in special + stamps:
        vocab[token] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    tokenizer = WhisperTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"),
                                 additional_special_tokens=special[1:] + stamps, language="en",
                                 task="transcribe", predict_timestamps=True)
    ids = {t: vocab[t] for t in special}
    end, start = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    config = WhisperConfig(vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
                           encoder_attention_heads=2, decoder_attention_heads=2,
                           encoder_ffn_dim=32, decoder_ffn_dim=32, num_mel_bins=80,
                           max_target_positions=64, pad_token_id=end, bos_token_id=end,
                           eos_token_id=end, decoder_start_token_id=start)
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=start, eos_token_id=end, pad_token_id=end, bos_token_id=end,
        no_timestamps_token_id=ids["<|notimestamps|>"], is_multilingual=True,
        lang_to_id={"<|en|>": ids["<|en|>"]},
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        max_initial_timestamp_index=50, max_length=12)
    model.save_pretrained(folder)
    WhisperProcessor(feature_extractor=WhisperFeatureExtractor(feature_size=80),
                     tokenizer=tokenizer).save_pretrained(folder)
    return folder
