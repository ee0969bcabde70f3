"""The ``local`` backend's client: a causal LM from a local folder through transformers.

Nothing is downloaded: the model and its tokenizer are loaded with ``local_files_only``. The reply
is parsed and validated like any other backend's (see :mod:`scenescore.conditions.answers`); small
local models often answer badly, and then the cue gets the rules condition with the reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenescore.conditions.clients import Completion, CompletionError
from scenescore.errors import MissingDependencyError, OptionsError

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.conditions.options import TranslateOptions

log = logging.getLogger(__name__)


class LocalClient:
    name = "local"
    max_workers = 1

    def __init__(self, options: TranslateOptions) -> None:
        if not options.model:
            raise OptionsError("the local translate backend needs --model: a local folder with a "
                               "causal language model and its tokenizer (nothing is downloaded)")
        path = Path(options.model).expanduser()
        if not path.is_dir():
            raise OptionsError(f"local translate model {str(path)!r} is not a folder "
                               "(give the folder of a saved transformers model)")
        try:
            import torch
            import transformers
        except ImportError:
            raise MissingDependencyError("the local translate backend", "transformers",
                                         "local-llm") from None
        self.options = options
        self.model = str(path)
        self._torch = torch
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self.lm = transformers.AutoModelForCausalLM.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise OptionsError(f"cannot load a causal LM from {str(path)!r}: "
                               f"{str(exc).splitlines()[0]}") from None
        device = options.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.device = device
        self.lm.to(device)
        self.lm.eval()
        self._lock = threading.Lock()
        config = self.lm.config
        self.context_tokens = int(getattr(config, "max_position_embeddings", None)
                                  or getattr(config, "n_positions", None) or 2048)

    def render(self, messages: Sequence[dict[str, str]]) -> str:
        """The chat as one text: the tokenizer's chat template when it has one."""
        if getattr(self.tokenizer, "chat_template", None):
            return str(self.tokenizer.apply_chat_template(list(messages), tokenize=False,
                                                          add_generation_prompt=True))
        turns = [f"{m['role'].capitalize()}:\n{m['content']}" for m in messages]
        return "\n\n".join(turns) + "\n\nAssistant:\n"

    def count_tokens(self, messages: Sequence[dict[str, str]]) -> int:
        return len(self.tokenizer(self.render(messages))["input_ids"])

    @property
    def max_prompt_tokens(self) -> int:
        return max(16, self.context_tokens - int(self.options.max_output_tokens))

    def complete(self, messages: Sequence[dict[str, str]]) -> Completion:
        torch = self._torch
        inputs: Any = self.tokenizer(self.render(messages), return_tensors="pt")
        n_prompt = int(inputs["input_ids"].shape[-1])
        new_tokens = min(int(self.options.max_output_tokens), self.context_tokens - n_prompt)
        if new_tokens < 8:
            raise CompletionError(f"prompt of {n_prompt} tokens leaves no room in the model's "
                                  f"{self.context_tokens}-token context", 0)
        inputs = {k: v.to(self.device) for k, v in inputs.items()}
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.eos_token_id if self.tokenizer.eos_token_id is not None else 0
        try:
            with self._lock, torch.no_grad():
                output = self.lm.generate(**inputs, max_new_tokens=new_tokens, do_sample=False,
                                          pad_token_id=pad)
        except (RuntimeError, ValueError) as exc:
            raise CompletionError(f"generation failed: {str(exc).splitlines()[0]}", 1) from None
        generated = output[0, n_prompt:]
        text = self.tokenizer.decode(generated, skip_special_tokens=True)
        return Completion(text=text, prompt_tokens=n_prompt, completion_tokens=int(generated.shape[-1]))
