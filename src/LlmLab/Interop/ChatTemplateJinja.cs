using LlmLab.Inference;

namespace LlmLab.Interop;

/// <summary>
/// Our <see cref="ChatTemplate"/> written as the Jinja template that GGUF (<c>tokenizer.chat_template</c>) and Hugging
/// Face (<c>tokenizer_config.json</c>'s <c>chat_template</c>) carry, so llama.cpp, Ollama or transformers render a
/// conversation as our model was trained on it: per message its role's prefix, its content and the separator, then the
/// assistant's prefix when a generation prompt is asked for. Stateless and thread-safe.
/// </summary>
public static class ChatTemplateJinja
{
    /// <summary>The Jinja text of <paramref name="template"/>.</summary>
    public static string For(ChatTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return "{% for message in messages %}"
            + "{% if message['role'] == 'system' %}" + Literal(template.SystemPrefix)
            + "{% elif message['role'] == 'user' %}" + Literal(template.UserPrefix)
            + "{% else %}" + Literal(template.AssistantPrefix) + "{% endif %}"
            + "{{ message['content'] }}" + Literal(template.Separator) + "{% endfor %}"
            + "{% if add_generation_prompt %}" + Literal(template.AssistantPrefix) + "{% endif %}";
    }

    /// <summary>Text put literally into the template; Jinja's delimiters are emitted as expressions.</summary>
    static string Literal(string text) => text.Replace("{", "{{ '{' }}", StringComparison.Ordinal);
}
